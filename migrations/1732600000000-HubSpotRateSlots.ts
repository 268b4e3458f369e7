// The shared HubSpot request pacer (sidecar/src/crm/shared-pacer.ts): one row per budget
// (e.g. `write:<portalId>`), holding the earliest time the next request may go. Every sidecar
// process claims slots from the same row, so the per-account limit holds across processes.
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class HubSpotRateSlots1732600000000 implements MigrationInterface {
  name = 'HubSpotRateSlots1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'hubspot_rate_slots',
        columns: [
          { name: 'bucket', type: 'varchar', length: '80', isPrimary: true },
          { name: 'next_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('hubspot_rate_slots');
  }
}
