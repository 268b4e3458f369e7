// Sets properties on CRM records (RSVP status, contract status, …) with batch update, ≤ 100
// records per request and per object type. Setting a value twice leaves the same record, so a
// retry is harmless. Two rows for one record in a batch are merged in order (HubSpot refuses
// duplicate ids in one batch); a record HubSpot does not know (207) sends its rows to the
// dead-letter view. Order per record also holds across passes: while an earlier update of a
// record is still waiting (deferred, due later), the later ones wait too, so a revoke never
// lands before the grant it followed.
import type { Client } from '@hubspot/api-client';
import type { OutboxRow } from '../store/entities.ts';
import type { CrmObjectType, PropertyUpdateOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { failAll, noAccount } from './engagement-writer.ts';
import { classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { RequestPacer } from './shared-pacer.ts';

interface RecordUpdate {
  id: string;
  properties: Record<string, string>;
  rowIds: string[];
}

interface BatchAnswer {
  results?: { id: string }[];
  errors?: { message?: string; context?: { ids?: string[] } }[];
}

/** Finds the oldest pending row of a kind whose dedupe key starts with a prefix. */
export interface PendingRows {
  oldestPending(portalId: string, kind: string, dedupePrefix: string): Promise<OutboxRow | null>;
}

/** `props:<objectType>:<id>:<reason>` → `props:<objectType>:<id>:` (every update of the record). */
function recordPrefix(dedupeKey: string): string {
  return `${dedupeKey.split(':').slice(0, 3).join(':')}:`;
}

export class PropertyUpdateSender implements OutboxSender {
  readonly kind = 'property-update';

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly pacer: RequestPacer,
    private readonly pending: PendingRows,
  ) {}

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    if (!client)
      return noAccount(
        portalId,
        rows.map((r) => r.id),
      );
    const results = new Map<string, DeliveryResult>();
    const inBatch = new Set(rows.map((r) => r.id));
    const blocked = new Set<string>();
    const byType = new Map<CrmObjectType, Map<string, RecordUpdate>>();
    for (const row of [...rows].sort((a, b) => a.createdAt - b.createdAt)) {
      const prefix = recordPrefix(row.dedupeKey);
      if (!blocked.has(prefix)) {
        const oldest = await this.pending.oldestPending(portalId, this.kind, prefix);
        if (oldest && !inBatch.has(oldest.id)) blocked.add(prefix);
      }
      if (blocked.has(prefix)) {
        results.set(row.id, {
          outcome: 'retry',
          error: 'an earlier update of the record is waiting',
        });
        continue;
      }
      const u = JSON.parse(row.payload) as PropertyUpdateOutboxPayload;
      const records = byType.get(u.object.objectType) ?? new Map<string, RecordUpdate>();
      const rec = records.get(u.object.id) ?? { id: u.object.id, properties: {}, rowIds: [] };
      Object.assign(rec.properties, u.properties);
      rec.rowIds.push(row.id);
      records.set(u.object.id, rec);
      byType.set(u.object.objectType, records);
    }
    for (const [type, records] of byType) {
      for (const [k, v] of await this.update(portalId, client, type, [...records.values()]))
        results.set(k, v);
    }
    return results;
  }

  private async update(
    portalId: string,
    client: Client,
    type: CrmObjectType,
    records: RecordUpdate[],
  ): Promise<Map<string, DeliveryResult>> {
    const rowIds = records.flatMap((r) => r.rowIds);
    await this.pacer.acquire(portalId);
    let answer: BatchAnswer;
    try {
      ({ body: answer } = await hubspotRequest<BatchAnswer>(client, {
        method: 'POST',
        path: `/crm/v3/objects/${type}/batch/update`,
        body: { inputs: records.map((r) => ({ id: r.id, properties: r.properties })) },
      }));
    } catch (err) {
      const e = classifyCrmError(err);
      if (e.status === 429 && e.retryAfterMs !== undefined)
        await this.pacer.holdFor?.(portalId, e.retryAfterMs);
      if (e.retryable || records.length === 1) return failAll(e, rowIds);
      // A bad value in one record refuses the whole batch: halve until it is isolated.
      const half = Math.ceil(records.length / 2);
      return new Map([
        ...(await this.update(portalId, client, type, records.slice(0, half))),
        ...(await this.update(portalId, client, type, records.slice(half))),
      ]);
    }
    const done = new Set((answer.results ?? []).map((r) => String(r.id)));
    const results = new Map<string, DeliveryResult>();
    for (const rec of records) {
      const error = (answer.errors ?? []).find((e) => e.context?.ids?.includes(rec.id));
      const result: DeliveryResult = done.has(rec.id)
        ? { outcome: 'sent', remoteId: rec.id }
        : {
            outcome: 'dead',
            error: `HubSpot did not update ${type} ${rec.id}: ${error?.message ?? 'not in the results'}`,
          };
      for (const rowId of rec.rowIds) results.set(rowId, result);
    }
    return results;
  }
}
