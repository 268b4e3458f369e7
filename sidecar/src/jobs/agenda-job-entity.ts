// agenda's job documents as rows. Instants are epoch milliseconds (BIGINT), `data` and
// `skipDays` are JSON text, so the same table works on SQLite and MySQL/MariaDB.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export const AGENDA_JOBS_TABLE = 'agenda_jobs';

export interface AgendaJobRow {
  id: string;
  name: string;
  priority: number;
  type: 'normal' | 'single';
  nextRunAt: number | null;
  lockedAt: number | null;
  lastRunAt: number | null;
  lastFinishedAt: number | null;
  failedAt: number | null;
  failCount: number | null;
  failReason: string | null;
  repeatInterval: string | null;
  repeatTimezone: string | null;
  repeatAt: string | null;
  startDate: number | null;
  endDate: number | null;
  /** JSON array of weekdays (0 = Sunday). */
  skipDays: string | null;
  disabled: boolean;
  /** JSON text; NULL when the job has no data at all (undefined). */
  data: string | null;
  progress: number | null;
  fork: boolean;
  lastModifiedBy: string | null;
  debounceStartedAt: number | null;
  /**
   * One row per key, enforced by a unique index: `s:<hash of name>` for single jobs (every()),
   * `u:<hash of name + unique spec>` for jobs saved with `.unique()`. NULL otherwise.
   */
  dedupeKey: string | null;
}

const instant = (name: string) =>
  ({ name, type: 'bigint', nullable: true, transformer: epochMs }) as const;

export const AgendaJobEntity = new EntitySchema<AgendaJobRow>({
  name: 'AgendaJob',
  tableName: AGENDA_JOBS_TABLE,
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    name: { type: 'varchar', length: 255 },
    priority: { type: 'int', default: 0 },
    type: { type: 'varchar', length: 10, default: 'normal' },
    nextRunAt: instant('next_run_at'),
    lockedAt: instant('locked_at'),
    lastRunAt: instant('last_run_at'),
    lastFinishedAt: instant('last_finished_at'),
    failedAt: instant('failed_at'),
    failCount: { name: 'fail_count', type: 'int', nullable: true },
    failReason: { name: 'fail_reason', type: 'text', nullable: true },
    repeatInterval: { name: 'repeat_interval', type: 'varchar', length: 255, nullable: true },
    repeatTimezone: { name: 'repeat_timezone', type: 'varchar', length: 100, nullable: true },
    repeatAt: { name: 'repeat_at', type: 'varchar', length: 255, nullable: true },
    startDate: instant('start_date'),
    endDate: instant('end_date'),
    skipDays: { name: 'skip_days', type: 'varchar', length: 64, nullable: true },
    disabled: { type: 'boolean', default: false },
    data: { type: 'text', nullable: true },
    progress: { type: 'double', nullable: true },
    fork: { type: 'boolean', default: false },
    lastModifiedBy: { name: 'last_modified_by', type: 'varchar', length: 255, nullable: true },
    debounceStartedAt: instant('debounce_started_at'),
    dedupeKey: { name: 'dedupe_key', type: 'varchar', length: 80, nullable: true },
  },
  indices: [
    { name: 'uq_agenda_jobs_dedupe', columns: ['dedupeKey'], unique: true },
    // getNextJobToRun: WHERE name = ? AND disabled = ? AND next_run_at <= ? ORDER BY next_run_at
    { name: 'idx_agenda_jobs_due', columns: ['name', 'disabled', 'nextRunAt', 'priority'] },
    // stale-lock recovery: WHERE name = ? AND locked_at <= ?
    { name: 'idx_agenda_jobs_locked', columns: ['name', 'lockedAt'] },
    // getQueueSize: WHERE next_run_at < ?
    { name: 'idx_agenda_jobs_next_run', columns: ['nextRunAt'] },
  ],
});
