// ACD (issue 3): agents, queues, memberships, caller-prefix rules, queue call history.
// QueryRunner API only, so it runs unchanged on SQLite and MySQL/MariaDB.
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Acd1732500000000 implements MigrationInterface {
  name = 'Acd1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'acd_agents',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'number', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'pin_hash', type: 'varchar', length: '200' },
          { name: 'dial', type: 'varchar', length: '255' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'pause_reason', type: 'varchar', length: '200', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
        ],
        uniques: [{ name: 'uq_acd_agents_portal_number', columnNames: ['portal_id', 'number'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'acd_queues',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'description', type: 'varchar', length: '500' },
          { name: 'number', type: 'varchar', length: '32', isNullable: true },
          { name: 'strategy', type: 'varchar', length: '24' },
          { name: 'ring_seconds', type: 'int' },
          { name: 'max_rings', type: 'int' },
          { name: 'max_wait_seconds', type: 'int' },
          { name: 'wrap_up_seconds', type: 'int' },
          { name: 'welcome_media', type: 'varchar', length: '200', isNullable: true },
          { name: 'moh_class', type: 'varchar', length: '64', isNullable: true },
          { name: 'announce_seconds', type: 'int' },
          { name: 'sticky_days', type: 'int' },
          { name: 'talk_window_hours', type: 'int' },
          { name: 'service_level_seconds', type: 'int' },
          { name: 'record', type: 'boolean' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'acd_members',
        columns: [
          { name: 'portal_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'queue_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'agent_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'skill_level', type: 'int' },
          { name: 'position', type: 'int' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'acd_prefix_rules',
        columns: [
          { name: 'portal_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'queue_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'prefix', type: 'varchar', length: '32', isPrimary: true },
          { name: 'agent_id', type: 'varchar', length: '36' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'acd_calls',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'queue_id', type: 'varchar', length: '64' },
          { name: 'caller_number', type: 'varchar', length: '32', isNullable: true },
          { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'priority', type: 'int' },
          { name: 'entered_at', type: 'bigint' },
          { name: 'answered_at', type: 'bigint', isNullable: true },
          { name: 'ended_at', type: 'bigint' },
          { name: 'wait_ms', type: 'int' },
          { name: 'talk_ms', type: 'int' },
          { name: 'recording_id', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [
          {
            name: 'ix_acd_calls_portal_caller',
            columnNames: ['portal_id', 'caller_number', 'ended_at'],
          },
          { name: 'ix_acd_calls_portal_ended', columnNames: ['portal_id', 'ended_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['acd_calls', 'acd_prefix_rules', 'acd_members', 'acd_queues', 'acd_agents'])
      await q.dropTable(t);
  }
}
