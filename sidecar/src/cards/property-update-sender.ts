// Delivers outbox rows of kind 'property-update' (support grant/revoke, RSVP properties): one
// PATCH per row, in the order the rows were queued. Setting a property is idempotent, so a
// retry after a lost answer does no harm; what matters is order per record — once a row of a
// record is waiting (deferred in this pass, or still pending from an earlier one), the later
// rows of that record wait too, so a revoke never lands before the grant it followed.
import { Like, type DataSource } from 'typeorm';
import { classifyCrmError } from '../crm/errors.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';
import { OutboxKind, type PropertyUpdateOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { OutboxEntity, OutboxState, type OutboxRow } from '../store/entities.ts';

export class PropertyUpdateSender implements OutboxSender {
  readonly kind = OutboxKind.PropertyUpdate;

  constructor(
    private readonly ds: DataSource,
    private readonly portals: HubSpotPortals,
    private readonly limiter: RequestPacer,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const results = new Map<string, DeliveryResult>();
    const client = this.portals.client(portalId);
    if (!client) {
      for (const r of rows)
        results.set(r.id, { outcome: 'retry', error: `no HubSpot account for portal ${portalId}` });
      return results;
    }
    const blocked = new Set<string>();
    const handled = new Set<string>();
    const ordered = [...rows].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    for (const row of ordered) {
      const payload = JSON.parse(row.payload) as PropertyUpdateOutboxPayload;
      const key = `${payload.object.objectType}:${payload.object.id}`;
      handled.add(row.id);
      if (blocked.has(key) || (await this.olderRowWaiting(portalId, row, handled))) {
        blocked.add(key);
        results.set(row.id, {
          outcome: 'retry',
          error: 'an earlier update of the record is waiting',
        });
        continue;
      }
      try {
        await this.limiter.acquire(portalId);
        await hubspotRequest(client, {
          method: 'PATCH',
          path: `/crm/v3/objects/${payload.object.objectType}/${encodeURIComponent(payload.object.id)}`,
          body: { properties: payload.properties },
        });
        results.set(row.id, { outcome: 'sent', remoteId: payload.object.id });
      } catch (err) {
        const e = classifyCrmError(err);
        if (e.retryable) {
          blocked.add(key);
          results.set(row.id, { outcome: 'retry', error: e.message });
        } else {
          results.set(row.id, { outcome: 'dead', error: e.message });
        }
      }
    }
    return results;
  }

  /** An earlier update of the same record, still pending and not part of this pass. */
  private async olderRowWaiting(
    portalId: string,
    row: OutboxRow,
    handled: Set<string>,
  ): Promise<boolean> {
    const recordPrefix = row.dedupeKey.split(':').slice(0, 3).join(':');
    const oldest = await this.ds.getRepository(OutboxEntity).findOne({
      where: {
        portalId,
        kind: this.kind,
        state: OutboxState.Pending,
        dedupeKey: Like(`${recordPrefix}:%`),
      },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return oldest !== null && !handled.has(oldest.id);
  }
}
