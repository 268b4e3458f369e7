// Holidays and closures get a message text the admin types (spoken to callers by text-to-speech).
// QueryRunner API: the same on SQLite and MySQL.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CalendarExceptionText1733300000000 implements MigrationInterface {
  name = 'CalendarExceptionText1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'routing_calendar_exceptions',
      new TableColumn({ name: 'text', type: 'varchar', length: '1000', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('routing_calendar_exceptions', 'text');
  }
}
