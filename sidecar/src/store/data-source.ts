// The one TypeORM data source: embedded SQLite by default, MySQL/MariaDB by URL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations/index.ts';
import { CallRecordEntity, OutboxEntity } from './entities.ts';
import { AgendaJobEntity } from '../jobs/agenda-job-entity.ts';
import { CallScriptEntity, ScriptAnswerEntity } from '../cards/entities.ts';
import { hubspotAppEntities } from '../hubspot-app/entities.ts';
import { WidgetCallEntity } from '../widget/widget-call-entity.ts';
import { routingEntities } from '../routing/entities.ts';
import { RecordingEntity } from '../recordings/entity.ts';
import { RateSlotEntity } from '../crm/shared-pacer.ts';
import { acdEntities } from '../acd/store/entities.ts';
import { campaignEntities } from '../campaigns/entities.ts';
import { bindIntegerParameters } from './sqlite-parameters.ts';

export const entities = [
  CallRecordEntity,
  OutboxEntity,
  AgendaJobEntity,
  CallScriptEntity,
  ScriptAnswerEntity,
  WidgetCallEntity,
  ...hubspotAppEntities,
  ...routingEntities,
  RecordingEntity,
  RateSlotEntity,
  ...acdEntities,
  ...campaignEntities,
];

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      // WAL lets the outbox worker read while a call is being committed; busy_timeout makes a
      // second process (agenda, scale-out test) wait for the lock instead of failing.
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  const url = databaseUrl.replace(/^mariadb:/, 'mysql:');
  return {
    ...common,
    type: 'mysql',
    url,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

export async function openDataSource(
  databaseUrl: string,
  opts: { migrate: boolean },
): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  bindIntegerParameters(ds);
  await ds.initialize();
  if (opts.migrate) await ds.runMigrations();
  return ds;
}
