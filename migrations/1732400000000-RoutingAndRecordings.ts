// Inbound routing (admin overrides of calendars and announcements, remembered caller numbers)
// and the recordings archive. QueryRunner API only: runs unchanged on SQLite and MySQL/MariaDB.
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class RoutingAndRecordings1732400000000 implements MigrationInterface {
  name = 'RoutingAndRecordings1732400000000';

  async up(q: QueryRunner): Promise<void> {
    const portal = { name: 'portal_id', type: 'varchar', length: '32' };
    await q.createTable(
      new Table({
        name: 'routing_calendars',
        columns: [
          { ...portal, isPrimary: true },
          { name: 'calendar_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'time_zone', type: 'varchar', length: '64', isNullable: true },
          { name: 'hours', type: 'text', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'routing_calendar_exceptions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          portal,
          { name: 'calendar_id', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'from_day', type: 'varchar', length: '10' },
          { name: 'to_day', type: 'varchar', length: '10' },
          { name: 'media', type: 'varchar', length: '255', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          { name: 'idx_routing_exceptions_calendar', columnNames: ['portal_id', 'calendar_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'routing_announcements',
        columns: [
          { ...portal, isPrimary: true },
          { name: 'announcement_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'enabled', type: 'boolean' },
          { name: 'media', type: 'varchar', length: '255', isNullable: true },
          { name: 'text', type: 'varchar', length: '1000', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'remembered_numbers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          portal,
          { name: 'phone', type: 'varchar', length: '32' },
          { name: 'object_type', type: 'varchar', length: '16' },
          { name: 'object_id', type: 'varchar', length: '32' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          {
            name: 'uq_remembered_numbers_phone',
            columnNames: ['portal_id', 'phone'],
            isUnique: true,
          },
          {
            name: 'idx_remembered_numbers_object',
            columnNames: ['portal_id', 'object_type', 'object_id'],
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recordings',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          portal,
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'call_id', type: 'varchar', length: '36' },
          { name: 'path', type: 'varchar', length: '500' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'size', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [{ name: 'idx_recordings_call', columnNames: ['portal_id', 'call_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'recordings',
      'remembered_numbers',
      'routing_announcements',
      'routing_calendar_exceptions',
      'routing_calendars',
    ])
      await q.dropTable(t);
  }
}
