// agenda's job table (see sidecar/src/jobs/agenda-job-entity.ts). QueryRunner API only, so it
// runs unchanged on SQLite and MySQL/MariaDB.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AgendaJobs1732300000001 implements MigrationInterface {
  name = 'AgendaJobs1732300000001';

  async up(q: QueryRunner): Promise<void> {
    const instant = (name: string) => ({ name, type: 'bigint', isNullable: true });
    await q.createTable(
      new Table({
        name: 'agenda_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'priority', type: 'int', default: 0 },
          { name: 'type', type: 'varchar', length: '10', default: "'normal'" },
          instant('next_run_at'),
          instant('locked_at'),
          instant('last_run_at'),
          instant('last_finished_at'),
          instant('failed_at'),
          { name: 'fail_count', type: 'int', isNullable: true },
          { name: 'fail_reason', type: 'text', isNullable: true },
          { name: 'repeat_interval', type: 'varchar', length: '255', isNullable: true },
          { name: 'repeat_timezone', type: 'varchar', length: '100', isNullable: true },
          { name: 'repeat_at', type: 'varchar', length: '255', isNullable: true },
          instant('start_date'),
          instant('end_date'),
          { name: 'skip_days', type: 'varchar', length: '64', isNullable: true },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'data', type: 'text', isNullable: true },
          { name: 'progress', type: 'double', isNullable: true },
          { name: 'fork', type: 'boolean', default: false },
          { name: 'last_modified_by', type: 'varchar', length: '255', isNullable: true },
          instant('debounce_started_at'),
          // single jobs and `.unique()` jobs: one row per key; NULLs do not collide.
          { name: 'dedupe_key', type: 'varchar', length: '80', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'agenda_jobs',
      new TableIndex({
        name: 'uq_agenda_jobs_dedupe',
        columnNames: ['dedupe_key'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'agenda_jobs',
      new TableIndex({
        name: 'idx_agenda_jobs_due',
        columnNames: ['name', 'disabled', 'next_run_at', 'priority'],
      }),
    );
    await q.createIndex(
      'agenda_jobs',
      new TableIndex({ name: 'idx_agenda_jobs_locked', columnNames: ['name', 'locked_at'] }),
    );
    await q.createIndex(
      'agenda_jobs',
      new TableIndex({ name: 'idx_agenda_jobs_next_run', columnNames: ['next_run_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('agenda_jobs');
  }
}
