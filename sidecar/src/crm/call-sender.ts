// Writes finished calls to HubSpot as Call engagements, exactly once (see ActivityWriter):
// keyed by our call id in the unique property centralino_call_id, associated with the caller's
// contact and any company/deal/ticket the producer named.
import {
  CALL_ID_PROPERTY,
  CALL_TO_CONTACT_ASSOCIATION,
  toHubSpotCall,
  type FinishedCall,
} from '../domain/call.ts';
import type { E164 } from '../domain/phone.ts';
import type { CrmRef } from '../outbox/kinds.ts';
import type { ContactDirectory } from '../ports.ts';
import type { OutboxRow } from '../store/entities.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { ActivityWriter, failAll, noAccount } from './engagement-writer.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import type { RequestPacer } from './shared-pacer.ts';

export interface CallOutboxPayload {
  call: FinishedCall;
  /** Set when the caller could not be looked up during the call (CRM slow or down). */
  lookupCaller?: E164;
  /** Further records to associate (company, deal, ticket); the contact comes from the call. */
  associations?: CrmRef[];
}

export const CALL_ASSOCIATIONS = {
  contacts: CALL_TO_CONTACT_ASSOCIATION,
  companies: 182,
  deals: 206,
  tickets: 220,
} as const;

export class CallSender implements OutboxSender {
  readonly kind = 'call';
  private readonly writer: ActivityWriter;

  constructor(
    private readonly portals: HubSpotPortals,
    pacer: RequestPacer,
    private readonly directory: ContactDirectory,
  ) {
    this.writer = new ActivityWriter(pacer, {
      objectType: 'calls',
      idProperty: CALL_ID_PROPERTY,
      idPropertyLabel: 'Centralino call id',
      groupName: 'callinformation',
      associationTypeIds: CALL_ASSOCIATIONS,
    });
  }

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const rowIds = rows.map((r) => r.id);
    if (!client) return noAccount(portalId, rowIds);
    try {
      const payloads = rows.map((row) => ({
        row,
        payload: JSON.parse(row.payload) as CallOutboxPayload,
      }));
      await this.resolveLateCallers(portalId, payloads);
      return await this.writer.write(
        portalId,
        client,
        payloads.map(({ row, payload }) => ({
          rowId: row.id,
          key: payload.call.id,
          properties: { ...toHubSpotCall(payload.call) },
          associations: [
            ...(payload.call.contactId
              ? [{ objectType: 'contacts' as const, id: payload.call.contactId }]
              : []),
            ...(payload.associations ?? []),
          ],
        })),
        rows.every((r) => r.attempts === 0),
      );
    } catch (err) {
      return failAll(err, rowIds);
    }
  }

  /** Calls logged while the CRM was unreachable get their contact now, if it exists. */
  private async resolveLateCallers(
    portalId: string,
    payloads: { payload: CallOutboxPayload }[],
  ): Promise<void> {
    for (const { payload } of payloads) {
      if (!payload.lookupCaller || payload.call.contactId !== null) continue;
      const found = await this.directory.findByPhone(
        portalId,
        payload.lookupCaller,
        AbortSignal.timeout(5000),
      );
      if (found.kind === 'unavailable')
        throw new Error(`caller lookup still failing: ${found.reason}`);
      if (found.kind === 'found') payload.call.contactId = found.contact.id;
    }
  }
}
