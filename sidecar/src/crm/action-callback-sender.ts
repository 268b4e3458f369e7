// Completes workflow actions that answered BLOCK, exactly once, with the batch form of
// POST /automation/v4/actions/callbacks/complete (≤ 100). HubSpot refuses to complete a
// callback twice; when a batch is refused, each callback is completed alone, and "already
// completed" (our earlier attempt went through but its answer was lost) counts as sent.
import type { Client } from '@hubspot/api-client';
import type { OutboxRow } from '../store/entities.ts';
import type { ActionCallbackOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { failAll, noAccount } from './engagement-writer.ts';
import { classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { RequestPacer } from './shared-pacer.ts';

/** Unconfirmed wording; the sandbox says "Callback <id> was already completed". */
const ALREADY_COMPLETED = /already completed/i;

export class ActionCallbackSender implements OutboxSender {
  readonly kind = 'action-callback';

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly pacer: RequestPacer,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const rowIds = rows.map((r) => r.id);
    if (!client) return noAccount(portalId, rowIds);
    const inputs = rows.map((row) => {
      const p = JSON.parse(row.payload) as ActionCallbackOutboxPayload;
      return { rowId: row.id, callbackId: p.callbackId, outputFields: p.outputFields };
    });
    try {
      await this.complete(portalId, client, inputs);
      return new Map(rowIds.map((id) => [id, { outcome: 'sent', remoteId: null }]));
    } catch (err) {
      const e = classifyCrmError(err);
      if (e.retryable || inputs.length === 1) return this.oneResult(inputs[0]!.rowId, err, rowIds);
    }
    const results = new Map<string, DeliveryResult>();
    for (const input of inputs) {
      try {
        await this.complete(portalId, client, [input]);
        results.set(input.rowId, { outcome: 'sent', remoteId: null });
      } catch (err) {
        for (const [k, v] of this.oneResult(input.rowId, err, [input.rowId])) results.set(k, v);
      }
    }
    return results;
  }

  private oneResult(rowId: string, err: unknown, rowIds: string[]): Map<string, DeliveryResult> {
    const e = classifyCrmError(err);
    if (rowIds.length === 1 && !e.retryable && ALREADY_COMPLETED.test(e.message))
      return new Map([[rowId, { outcome: 'sent', remoteId: null }]]);
    return failAll(e, rowIds);
  }

  private async complete(
    portalId: string,
    client: Client,
    inputs: { callbackId: string; outputFields: Record<string, string | number> }[],
  ): Promise<void> {
    await this.pacer.acquire(portalId);
    try {
      await hubspotRequest(client, {
        method: 'POST',
        path: '/automation/v4/actions/callbacks/complete',
        body: {
          inputs: inputs.map((i) => ({ callbackId: i.callbackId, outputFields: i.outputFields })),
        },
      });
    } catch (err) {
      const e = classifyCrmError(err);
      if (e.status === 429 && e.retryAfterMs !== undefined)
        await this.pacer.holdFor?.(portalId, e.retryAfterMs);
      throw err;
    }
  }
}
