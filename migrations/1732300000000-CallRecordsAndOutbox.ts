// Written with the QueryRunner API (no raw SQL) so it runs unchanged on SQLite and MySQL/MariaDB.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CallRecordsAndOutbox1732300000000 implements MigrationInterface {
  name = 'CallRecordsAndOutbox1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'call_records',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'channel_id', type: 'varchar', length: '64' },
          { name: 'direction', type: 'varchar', length: '16' },
          { name: 'from_number', type: 'varchar', length: '32' },
          { name: 'to_number', type: 'varchar', length: '32' },
          { name: 'contact_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'started_at', type: 'bigint' },
          { name: 'answered_at', type: 'bigint', isNullable: true },
          { name: 'ended_at', type: 'bigint' },
          { name: 'duration_ms', type: 'int' },
          { name: 'hangup_cause', type: 'varchar', length: '64', isNullable: true },
          { name: 'note', type: 'varchar', length: '1000', isNullable: true },
        ],
        indices: [
          { name: 'idx_call_records_portal_started', columnNames: ['portal_id', 'started_at'] },
          { name: 'idx_call_records_from', columnNames: ['from_number'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'dedupe_key', type: 'varchar', length: '128', isUnique: true },
          { name: 'payload', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'lock_token', type: 'varchar', length: '36', isNullable: true },
          { name: 'locked_until', type: 'bigint', isNullable: true },
          { name: 'remote_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '1000', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'sent_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'outbox',
      new TableIndex({ name: 'idx_outbox_due', columnNames: ['state', 'next_attempt_at'] }),
    );
    await q.createIndex(
      'outbox',
      new TableIndex({ name: 'idx_outbox_lock', columnNames: ['lock_token'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('outbox');
    await q.dropTable('call_records');
  }
}
