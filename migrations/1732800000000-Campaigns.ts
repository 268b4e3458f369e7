// Outbound campaigns (issue 5). QueryRunner API only, so it runs on SQLite and MySQL alike.
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (name: string, primary = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isPrimary: primary,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ms = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});
const int = (name: string): TableColumnOptions => ({ name, type: 'int', default: 0 });

export class Campaigns1732800000000 implements MigrationInterface {
  name = 'Campaigns1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          id('id', true),
          str('portal_id', 32),
          str('name', 200),
          { name: 'definition', type: 'text' },
          str('state', 16),
          ms('start_at', true),
          ms('created_at'),
          ms('updated_at'),
        ],
        indices: [{ name: 'idx_campaigns_state', columnNames: ['state'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_targets',
        columns: [
          id('id', true),
          str('portal_id', 32),
          id('campaign_id'),
          int('row_no'),
          str('phone', 32),
          str('contact_id', 32, true),
          { name: 'variables', type: 'text' },
          str('time_zone', 64),
          str('state', 16),
          int('attempts'),
          ms('next_attempt_at'),
          str('lease_token', 36, true),
          ms('lease_until', true),
          str('last_outcome', 16, true),
          str('rsvp', 8, true),
          str('result', 16, true),
          str('skip_reason', 200, true),
          str('callback_id', 64, true),
          str('sms_state', 16, true),
          ms('updated_at'),
        ],
        uniques: [{ name: 'uq_campaign_targets_phone', columnNames: ['campaign_id', 'phone'] }],
        indices: [
          // The dialer's next-contact query, in its own order: a contact list loaded at once has
          // one due time, and without row_no here each claim would sort every pending row.
          {
            name: 'idx_campaign_targets_due',
            columnNames: ['campaign_id', 'state', 'next_attempt_at', 'row_no'],
          },
          // Contacts whose dialling process died (lease run out while dialling).
          { name: 'idx_campaign_targets_lease', columnNames: ['state', 'lease_until'] },
          { name: 'idx_campaign_targets_sms', columnNames: ['portal_id', 'phone', 'sms_state'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_attempts',
        columns: [
          id('id', true),
          str('portal_id', 32),
          id('campaign_id'),
          id('target_id'),
          int('attempt_no'),
          str('state', 16),
          str('outcome', 16, true),
          str('answer', 8, true),
          str('amd_status', 16, true),
          { name: 'played', type: 'text', isNullable: true },
          str('channel_id', 64, true),
          str('owner', 64),
          ms('started_at'),
          ms('answered_at', true),
          ms('ended_at', true),
        ],
        uniques: [{ name: 'uq_campaign_attempts_no', columnNames: ['target_id', 'attempt_no'] }],
        indices: [
          { name: 'idx_campaign_attempts_campaign', columnNames: ['campaign_id', 'state'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_lines',
        columns: [
          { ...id('campaign_id'), isPrimary: true },
          { name: 'slot', type: 'int', isPrimary: true },
          str('lease_token', 36, true),
          ms('lease_until', true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_dnc',
        columns: [
          { ...str('portal_id', 32), isPrimary: true },
          { ...str('phone', 32), isPrimary: true },
          str('reason', 64),
          ms('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_imports',
        columns: [
          id('id', true),
          str('portal_id', 32),
          id('campaign_id'),
          str('state', 16),
          int('total'),
          int('processed'),
          int('good'),
          { name: 'bad', type: 'text' },
          str('error', 500, true),
          ms('created_at'),
          ms('updated_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'campaign_imports',
      'campaign_dnc',
      'campaign_lines',
      'campaign_attempts',
      'campaign_targets',
      'campaigns',
    ])
      await q.dropTable(t);
  }
}
