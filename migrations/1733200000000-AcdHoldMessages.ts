// Queues get a hold message played at each announcement tick, and a switch for saying the
// caller's position (on for existing queues: what they did until now). QueryRunner API only,
// so it runs unchanged on SQLite and MySQL.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AcdHoldMessages1733200000000 implements MigrationInterface {
  name = 'AcdHoldMessages1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('acd_queues', [
      new TableColumn({
        name: 'hold_message_media',
        type: 'varchar',
        length: '200',
        isNullable: true,
      }),
      new TableColumn({ name: 'announce_position', type: 'boolean', default: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('acd_queues', 'announce_position');
    await q.dropColumn('acd_queues', 'hold_message_media');
  }
}
