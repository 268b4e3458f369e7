// The calling widget's calls and who owns their CRM engagement (QueryRunner API: SQLite + MySQL).
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class WidgetCalls1733000000000 implements MigrationInterface {
  name = 'WidgetCalls1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'widget_calls',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'agent_id', type: 'varchar', length: '64' },
          { name: 'direction', type: 'varchar', length: '16' },
          { name: 'from_number', type: 'varchar', length: '32' },
          { name: 'to_number', type: 'varchar', length: '32' },
          { name: 'contact_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'engagement_owner', type: 'varchar', length: '16' },
          { name: 'engagement_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'disposition', type: 'varchar', length: '64', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'end_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'answered_at', type: 'bigint', isNullable: true },
          { name: 'ended_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          { name: 'idx_widget_calls_agent', columnNames: ['portal_id', 'agent_id', 'created_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('widget_calls');
  }
}
