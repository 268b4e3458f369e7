// OAuth installs (tokens encrypted), install states, the webhook inbox, the ticket mirror and
// workflow-action executions. QueryRunner API only, so it runs unchanged on SQLite and MySQL.
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class HubSpotAppInstall1732900000000 implements MigrationInterface {
  name = 'HubSpotAppInstall1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'portal_installs',
        columns: [
          { name: 'portal_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'app_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'hub_domain', type: 'varchar', length: '255', isNullable: true },
          { name: 'scopes', type: 'text' },
          { name: 'access_token_enc', type: 'text' },
          { name: 'refresh_token_enc', type: 'text' },
          { name: 'access_expires_at', type: 'bigint' },
          { name: 'installed_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_states',
        columns: [
          { name: 'state', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_inbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'event_id', type: 'varchar', length: '64' },
          { name: 'subscription_type', type: 'varchar', length: '64' },
          { name: 'object_key', type: 'varchar', length: '64' },
          { name: 'occurred_at', type: 'bigint' },
          { name: 'payload', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'lock_token', type: 'varchar', length: '36', isNullable: true },
          { name: 'locked_until', type: 'bigint', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '1000', isNullable: true },
          { name: 'received_at', type: 'bigint' },
          { name: 'processed_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          {
            name: 'uq_webhook_inbox_event',
            columnNames: ['portal_id', 'event_id'],
            isUnique: true,
          },
          {
            name: 'idx_webhook_inbox_due',
            columnNames: ['state', 'next_attempt_at', 'occurred_at'],
          },
          {
            name: 'idx_webhook_inbox_object',
            columnNames: ['portal_id', 'object_key', 'state', 'occurred_at'],
          },
          { name: 'idx_webhook_inbox_lock', columnNames: ['lock_token'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_mirror',
        columns: [
          { name: 'portal_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'ticket_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'subject', type: 'varchar', length: '1000', isNullable: true },
          { name: 'status', type: 'varchar', length: '64', isNullable: true },
          { name: 'owner_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'subject_at', type: 'bigint' },
          { name: 'status_at', type: 'bigint' },
          { name: 'owner_at', type: 'bigint' },
          { name: 'deleted', type: 'boolean', default: false },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'action_executions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'portal_id', type: 'varchar', length: '32' },
          { name: 'action_id', type: 'varchar', length: '64' },
          { name: 'callback_id', type: 'varchar', length: '128', isUnique: true },
          { name: 'block_key', type: 'varchar', length: '160', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'object_type', type: 'varchar', length: '32', isNullable: true },
          { name: 'object_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'response', type: 'text', isNullable: true },
          { name: 'outputs', type: 'text', isNullable: true },
          { name: 'expires_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'completed_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          {
            name: 'uq_action_executions_key',
            columnNames: ['portal_id', 'block_key'],
            isUnique: true,
          },
          { name: 'idx_action_executions_expiry', columnNames: ['state', 'expires_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'action_executions',
      'ticket_mirror',
      'webhook_inbox',
      'oauth_states',
      'portal_installs',
    ]) {
      await q.dropTable(t);
    }
  }
}
