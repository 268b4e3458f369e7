// Writes app timeline events (RSVP answers, script answers, campaign outcomes) exactly once:
// each event carries our event id, and HubSpot keeps one event per template and id (409 on a
// second), so a retry after a lost answer finds the event already there and counts it as sent.
import type { Client } from '@hubspot/api-client';
import type { OutboxRow } from '../store/entities.ts';
import type { TimelineEventOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { failAll, noAccount } from './engagement-writer.ts';
import { classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { RequestPacer } from './shared-pacer.ts';
import type { TimelineTemplates } from './timeline-templates.ts';

interface EventInput {
  rowId: string;
  body: Record<string, unknown>;
}

export class TimelineEventSender implements OutboxSender {
  readonly kind = 'timeline-event';

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly pacer: RequestPacer,
    private readonly templates: TimelineTemplates,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const rowIds = rows.map((r) => r.id);
    if (!client) return noAccount(portalId, rowIds);
    const results = new Map<string, DeliveryResult>();
    try {
      const inputs: EventInput[] = [];
      for (const row of rows) {
        const e = JSON.parse(row.payload) as TimelineEventOutboxPayload;
        if (!this.templates.isDeclared(e.template)) {
          results.set(row.id, {
            outcome: 'dead',
            error: `timeline template '${e.template}' is not declared in manifest.json`,
          });
          continue;
        }
        inputs.push({
          rowId: row.id,
          body: {
            id: e.eventId,
            eventTemplateId: await this.templates.idOf(portalId, client, e.template),
            objectId: e.object.id,
            tokens: e.tokens,
            timestamp: new Date(e.at).toISOString(),
          },
        });
      }
      if (inputs.length === 0) return results;
      return new Map([...results, ...(await this.send(portalId, client, inputs))]);
    } catch (err) {
      return new Map([...failAll(err, rowIds), ...results]);
    }
  }

  private async send(
    portalId: string,
    client: Client,
    inputs: EventInput[],
  ): Promise<Map<string, DeliveryResult>> {
    await this.pacer.acquire(portalId);
    try {
      await hubspotRequest(client, {
        method: 'POST',
        path: '/integrators/timeline/v3/events/batch/create',
        body: { inputs: inputs.map((i) => i.body) },
      });
      return new Map(inputs.map((i) => [i.rowId, { outcome: 'sent', remoteId: null }]));
    } catch (err) {
      const e = classifyCrmError(err);
      if (e.retryable || inputs.length === 1) return this.sendOne(portalId, client, inputs, err);
      // One event of the batch exists already (a lost answer) or names a missing record: the
      // batch is all or nothing, so each event goes alone and answers for itself.
      const out = new Map<string, DeliveryResult>();
      for (const i of inputs)
        for (const [k, v] of await this.sendOne(portalId, client, [i])) out.set(k, v);
      return out;
    }
  }

  private async sendOne(
    portalId: string,
    client: Client,
    inputs: EventInput[],
    earlier?: unknown,
  ): Promise<Map<string, DeliveryResult>> {
    const input = inputs[0]!;
    let err = earlier;
    if (err === undefined) {
      await this.pacer.acquire(portalId);
      try {
        await hubspotRequest(client, {
          method: 'POST',
          path: '/integrators/timeline/v3/events',
          body: input.body,
        });
        return new Map([[input.rowId, { outcome: 'sent', remoteId: null }]]);
      } catch (caught) {
        err = caught;
      }
    }
    const e = classifyCrmError(err);
    if (inputs.length === 1 && e.status === 409)
      return new Map([[input.rowId, { outcome: 'sent', remoteId: null }]]);
    if (e.status === 429 && e.retryAfterMs !== undefined)
      await this.pacer.holdFor?.(portalId, e.retryAfterMs);
    return failAll(
      e,
      inputs.map((i) => i.rowId),
    );
  }
}
