// Outbox kind 'call-engagement' (dedupe `call-engagement:<callId>`): the telephony facts of a
// click-to-call (final status, talk time) written onto the engagement HubSpot created for it.
// HubSpot owns that engagement and the widget's callCompleted fills it; this makes it right
// even when callCompleted never comes (agent closed the tab: the "ghost call" complaint). It
// only ever PATCHes the one existing engagement, so it cannot create a second.
import type { OutboxRow } from '../store/entities.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { classifyCrmError } from '../crm/errors.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';

export const CALL_ENGAGEMENT_KIND = 'call-engagement';

export interface CallEngagementPayload {
  callId: string;
  engagementId: string;
  properties: {
    hs_call_status: string;
    hs_call_duration: string;
    hs_call_to_number: string;
    hs_call_from_number?: string;
  };
}

export class CallEngagementSender implements OutboxSender {
  readonly kind = CALL_ENGAGEMENT_KIND;

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly limiter: RequestPacer,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const results = new Map<string, DeliveryResult>();
    const client = this.portals.client(portalId);
    for (const row of rows) {
      if (!client) {
        results.set(row.id, {
          outcome: 'retry',
          error: `no HubSpot account for portal ${portalId}`,
        });
        continue;
      }
      const payload = JSON.parse(row.payload) as CallEngagementPayload;
      try {
        await this.limiter.acquire(portalId);
        await hubspotRequest(client, {
          method: 'PATCH',
          path: `/crm/v3/objects/calls/${payload.engagementId}`,
          body: { properties: payload.properties },
        });
        results.set(row.id, { outcome: 'sent', remoteId: payload.engagementId });
      } catch (err) {
        const e = classifyCrmError(err);
        results.set(
          row.id,
          e.retryable
            ? { outcome: 'retry', error: e.message }
            : { outcome: 'dead', error: e.message },
        );
      }
    }
    return results;
  }
}
