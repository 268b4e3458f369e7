// npm run migrate: applies pending migrations to DATABASE_URL (default: the embedded SQLite file).
import { databaseUrlOf, loadConfig } from '../config.ts';
import { openDataSource } from './data-source.ts';

const config = loadConfig();
const ds = await openDataSource(databaseUrlOf(config), { migrate: false });
const applied = await ds.runMigrations();
console.log(
  applied.length === 0
    ? 'database is up to date'
    : `applied: ${applied.map((m) => m.name).join(', ')}`,
);
await ds.destroy();
