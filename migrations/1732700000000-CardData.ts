// Card APIs: call-script definitions per portal and the answers given on calls (T3).
// QueryRunner API only, so it runs unchanged on SQLite and MySQL/MariaDB.
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CardData1732700000000 implements MigrationInterface {
  name = 'CardData1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'call_scripts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'call_type', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'definition', type: 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [
          {
            name: 'uq_call_scripts_portal_type',
            columnNames: ['portal_id', 'call_type'],
            isUnique: true,
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'script_answers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'call_id', type: 'varchar', length: '36' },
          { name: 'script_id', type: 'varchar', length: '36' },
          { name: 'object_type', type: 'varchar', length: '16' },
          { name: 'object_id', type: 'varchar', length: '32' },
          { name: 'answers', type: 'text' },
          { name: 'summary', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          {
            // One set of answers per call and script: a retried save cannot add a second one.
            name: 'uq_script_answers_call_script',
            columnNames: ['portal_id', 'call_id', 'script_id'],
            isUnique: true,
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('script_answers');
    await q.dropTable('call_scripts');
  }
}
