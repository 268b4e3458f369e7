// The agenda_jobs table as the repository's parts see it: query builders, the clock, inserts.
import { randomUUID } from 'node:crypto';
import {
  QueryFailedError,
  type DataSource,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import type { JobParameters } from 'agenda';
import { AgendaJobEntity, type AgendaJobRow } from './agenda-job-entity.ts';
import { jobToRow, rowToJob } from './job-rows.ts';

export interface JobTableOptions {
  /** The clock; defaults to the system clock. */
  now?: () => Date;
}

/** What an UPDATE may set: row values, or a raw SQL expression. */
export type Update = { [K in keyof AgendaJobRow]?: AgendaJobRow[K] | (() => string) };

/** Rows per `IN (...)` list. */
const CHUNK = 500;

export function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export function isDuplicateKey(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: unknown } | undefined)?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export class JobTable {
  readonly jobs: Repository<AgendaJobRow>;
  readonly now: () => Date;

  constructor(
    readonly ds: DataSource,
    opts: JobTableOptions = {},
  ) {
    this.jobs = ds.getRepository(AgendaJobEntity);
    this.now = opts.now ?? (() => new Date());
  }

  /** SELECT with alias `j` (property names: `j.nextRunAt`). */
  select(): SelectQueryBuilder<AgendaJobRow> {
    return this.jobs.createQueryBuilder('j');
  }

  /** UPDATE; its WHERE uses column names (`next_run_at`). */
  update(set: Update) {
    return this.ds.createQueryBuilder().update(AgendaJobEntity).set(set);
  }

  /** DELETE; its WHERE uses column names. */
  delete() {
    return this.ds.createQueryBuilder().delete().from(AgendaJobEntity);
  }

  async find(id: string): Promise<JobParameters | null> {
    const row = await this.jobs.findOneBy({ id });
    return row ? rowToJob(row) : null;
  }

  findByKey(dedupeKey: string): Promise<AgendaJobRow | null> {
    return this.jobs.findOneBy({ dedupeKey });
  }

  /** Inserts a new row (a fresh uuid); a taken dedupe key fails with a duplicate-key error. */
  async insert(
    props: JobParameters,
    lastModifiedBy: string | null,
    dedupeKey: string | null,
  ): Promise<JobParameters> {
    const row = jobToRow(
      { ...props, lastModifiedBy: lastModifiedBy ?? undefined },
      randomUUID(),
      dedupeKey,
    );
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(AgendaJobEntity)
      .values(row)
      .updateEntity(false)
      .execute();
    return rowToJob(row);
  }
}
