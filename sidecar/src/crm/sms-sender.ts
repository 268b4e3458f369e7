// Writes SMS messages as Communications with channel SMS, exactly once (see ActivityWriter):
// keyed by our message id in the unique property centralino_message_id.
import type { OutboxRow } from '../store/entities.ts';
import type { SmsOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { ActivityWriter, failAll, noAccount } from './engagement-writer.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { textToHtml } from './html-text.ts';
import type { RequestPacer } from './shared-pacer.ts';

export const MESSAGE_ID_PROPERTY = 'centralino_message_id';

export const COMMUNICATION_ASSOCIATIONS = {
  contacts: 81,
  companies: 87,
  deals: 85,
  tickets: 83,
} as const;

export function toHubSpotSms(sms: SmsOutboxPayload): Record<string, string> {
  const arrow = sms.direction === 'INBOUND' ? `SMS from ${sms.from}` : `SMS to ${sms.to}`;
  return {
    hs_communication_channel_type: 'SMS',
    hs_communication_logged_from: 'CRM',
    hs_communication_body: `<p><strong>${textToHtml(arrow)}</strong></p><p>${textToHtml(sms.body)}</p>`,
    hs_timestamp: new Date(sms.at).toISOString(),
  };
}

export class SmsSender implements OutboxSender {
  readonly kind = 'sms';
  private readonly writer: ActivityWriter;

  constructor(
    private readonly portals: HubSpotPortals,
    pacer: RequestPacer,
  ) {
    this.writer = new ActivityWriter(pacer, {
      objectType: 'communications',
      idProperty: MESSAGE_ID_PROPERTY,
      idPropertyLabel: 'Centralino message id',
      groupName: 'communicationinformation',
      associationTypeIds: COMMUNICATION_ASSOCIATIONS,
    });
  }

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const rowIds = rows.map((r) => r.id);
    if (!client) return noAccount(portalId, rowIds);
    try {
      return await this.writer.write(
        portalId,
        client,
        rows.map((row) => {
          const sms = JSON.parse(row.payload) as SmsOutboxPayload;
          return {
            rowId: row.id,
            key: sms.messageId,
            properties: toHubSpotSms(sms),
            associations: sms.associations,
          };
        }),
        rows.every((r) => r.attempts === 0),
      );
    } catch (err) {
      return failAll(err, rowIds);
    }
  }
}
