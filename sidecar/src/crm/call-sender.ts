// Writes finished calls to HubSpot as Call engagements, exactly once: a batch upsert keyed by
// our call id (a unique-value custom property), then v4 associations, which are idempotent.
// A retry after a lost response updates the same Call instead of creating a second one.
import type { Client } from '@hubspot/api-client';
import {
  CALL_ID_PROPERTY,
  CALL_TO_CONTACT_ASSOCIATION,
  toHubSpotCall,
  type FinishedCall,
} from '../domain/call.ts';
import type { E164 } from '../domain/phone.ts';
import type { ContactDirectory } from '../ports.ts';
import type { OutboxRow } from '../store/entities.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { SlidingWindowLimiter } from './rate-limiter.ts';

export interface CallOutboxPayload {
  call: FinishedCall;
  /** Set when the caller could not be looked up during the call (CRM slow or down). */
  lookupCaller?: E164;
}

interface UpsertResult {
  id: string;
  properties: Record<string, string | null>;
}

export class CallSender implements OutboxSender {
  readonly kind = 'call';
  private readonly propertyReady = new Set<string>();

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly limiter: SlidingWindowLimiter,
    private readonly directory: ContactDirectory,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const results = new Map<string, DeliveryResult>();
    if (!client) {
      for (const r of rows)
        results.set(r.id, { outcome: 'retry', error: `no HubSpot account for portal ${portalId}` });
      return results;
    }
    const payloads = rows.map((row) => ({
      row,
      payload: JSON.parse(row.payload) as CallOutboxPayload,
    }));
    try {
      await this.ensureCallIdProperty(portalId, client);
      await this.resolveLateCallers(portalId, payloads);
      const ids = await this.upsert(
        portalId,
        client,
        payloads.map((p) => p.payload.call),
      );
      const toAssociate = payloads.filter(
        (p) => p.payload.call.contactId !== null && ids.has(p.payload.call.id),
      );
      await this.associate(
        portalId,
        client,
        toAssociate.map((p) => ({
          callId: ids.get(p.payload.call.id)!,
          contactId: p.payload.call.contactId!,
        })),
      );
      for (const { row, payload } of payloads) {
        const remoteId = ids.get(payload.call.id);
        results.set(
          row.id,
          remoteId
            ? { outcome: 'sent', remoteId }
            : { outcome: 'retry', error: 'call missing from upsert results' },
        );
      }
    } catch (err) {
      const e = classifyCrmError(err);
      for (const { row } of payloads) {
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

  private async ensureCallIdProperty(portalId: string, client: Client): Promise<void> {
    if (this.propertyReady.has(portalId)) return;
    await this.limiter.acquire(portalId);
    try {
      await hubspotRequest(client, {
        method: 'GET',
        path: `/crm/v3/properties/calls/${CALL_ID_PROPERTY}`,
      });
    } catch (err) {
      if (classifyCrmError(err).status !== 404) throw err;
      await this.limiter.acquire(portalId);
      try {
        await hubspotRequest(client, {
          method: 'POST',
          path: '/crm/v3/properties/calls',
          body: {
            name: CALL_ID_PROPERTY,
            label: 'Centralino call id',
            type: 'string',
            fieldType: 'text',
            groupName: 'callinformation',
            hasUniqueValue: true,
            description: 'Set by Centralino; makes call logging idempotent.',
          },
        });
      } catch (createErr) {
        // Another sidecar process created it in between.
        if (classifyCrmError(createErr).status !== 409) throw createErr;
      }
    }
    this.propertyReady.add(portalId);
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

  private async upsert(
    portalId: string,
    client: Client,
    calls: FinishedCall[],
  ): Promise<Map<string, string>> {
    await this.limiter.acquire(portalId);
    const { body } = await hubspotRequest<{ results?: UpsertResult[] }>(client, {
      method: 'POST',
      path: '/crm/v3/objects/calls/batch/upsert',
      body: {
        inputs: calls.map((call) => ({
          id: call.id,
          idProperty: CALL_ID_PROPERTY,
          properties: toHubSpotCall(call),
        })),
      },
    });
    const ids = new Map<string, string>();
    for (const r of body.results ?? []) {
      const callId = r.properties[CALL_ID_PROPERTY];
      if (callId) ids.set(callId, r.id);
    }
    return ids;
  }

  private async associate(
    portalId: string,
    client: Client,
    pairs: { callId: string; contactId: string }[],
  ): Promise<void> {
    if (pairs.length === 0) return;
    await this.limiter.acquire(portalId);
    await hubspotRequest(client, {
      method: 'POST',
      path: '/crm/v4/associations/calls/contacts/batch/create',
      body: {
        inputs: pairs.map((p) => ({
          from: { id: p.callId },
          to: { id: p.contactId },
          types: [
            {
              associationCategory: 'HUBSPOT_DEFINED',
              associationTypeId: CALL_TO_CONTACT_ASSOCIATION,
            },
          ],
        })),
      },
    });
  }
}
