// Writes activity objects (calls, SMS communications, notes) exactly once, in batches of ≤ 100,
// keyed by a unique-value custom property that holds our own id for the row.
//
// First attempt of a batch: ONE request, `batch/create` with the associations inline — the
// cheap path that lets write-back run near HubSpot's ceiling. Any later attempt (the first one
// may have been written before its answer was lost), or a create HubSpot refused (409: one of
// the ids already exists; 4xx: an associated record is gone), takes the precise path:
// `batch/upsert` by the unique id (never creates a second object), then one v4 batch
// association request per target type, whose 207 partial errors are mapped back to the row.
// A permanent refusal of a multi-row batch is bisected, so one bad row cannot sink 99 good ones.
import type { Client } from '@hubspot/api-client';
import type { CrmObjectType, CrmRef } from '../outbox/kinds.ts';
import type { DeliveryResult } from '../outbox/outbox-worker.ts';
import { classifyCrmError, type CrmError } from './errors.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { RequestPacer } from './shared-pacer.ts';

export type ActivityType = 'calls' | 'communications' | 'notes';

export interface ActivitySpec {
  objectType: ActivityType;
  /** The unique-value custom property holding our id (created once per portal). */
  idProperty: string;
  idPropertyLabel: string;
  groupName: string;
  /** HUBSPOT_DEFINED association type ids from this activity to each record type. */
  associationTypeIds: Partial<Record<CrmObjectType, number>>;
}

export interface ActivityInput {
  rowId: string;
  /** Our id: the value of `idProperty`. */
  key: string;
  properties: Record<string, string>;
  associations: CrmRef[];
}

interface ObjectResult {
  id: string;
  properties: Record<string, string | null>;
}

interface AssociationBatchAnswer {
  results?: { fromObjectId: number | string; toObjectId: number | string }[];
  errors?: { message?: string; context?: Record<string, string[]> }[];
}

export class ActivityWriter {
  private readonly propertyReady = new Set<string>();

  constructor(
    private readonly pacer: RequestPacer,
    private readonly spec: ActivitySpec,
  ) {}

  /** Writes the inputs; one result per row id. Retryable failures throw (CrmError). */
  async write(
    portalId: string,
    client: Client,
    inputs: ActivityInput[],
    firstAttempt: boolean,
  ): Promise<Map<string, DeliveryResult>> {
    await this.ensureIdProperty(portalId, client);
    if (firstAttempt) {
      const created = await this.tryCreate(portalId, client, inputs);
      if (created) return created;
    }
    return this.writePrecisely(portalId, client, inputs);
  }

  /** The one-request path; undefined when HubSpot refused it and the precise path must run. */
  private async tryCreate(
    portalId: string,
    client: Client,
    inputs: ActivityInput[],
  ): Promise<Map<string, DeliveryResult> | undefined> {
    await this.pacer.acquire(portalId);
    try {
      const { body } = await hubspotRequest<{ results?: ObjectResult[] }>(client, {
        method: 'POST',
        path: `/crm/v3/objects/${this.spec.objectType}/batch/create`,
        body: {
          inputs: inputs.map((i) => ({
            properties: { ...i.properties, [this.spec.idProperty]: i.key },
            associations: i.associations.flatMap((a) => {
              const typeId = this.spec.associationTypeIds[a.objectType];
              return typeId === undefined
                ? []
                : [
                    {
                      to: { id: a.id },
                      types: [
                        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId },
                      ],
                    },
                  ];
            }),
          })),
        },
      });
      const ids = this.idsByKey(body.results ?? []);
      return new Map(
        inputs.map((i) => {
          const remoteId = ids.get(i.key.toLowerCase());
          const result: DeliveryResult = remoteId
            ? { outcome: 'sent', remoteId }
            : { outcome: 'retry', error: `${this.spec.objectType} missing from create results` };
          return [i.rowId, result];
        }),
      );
    } catch (err) {
      const e = await this.onError(portalId, err);
      if (e.retryable) throw e;
      return undefined;
    }
  }

  private async writePrecisely(
    portalId: string,
    client: Client,
    inputs: ActivityInput[],
  ): Promise<Map<string, DeliveryResult>> {
    let ids: Map<string, string>;
    try {
      ids = await this.upsert(portalId, client, inputs);
    } catch (err) {
      const e = await this.onError(portalId, err);
      if (e.retryable) throw e;
      if (inputs.length === 1) {
        return new Map([[inputs[0]!.rowId, { outcome: 'dead', error: e.message }]]);
      }
      const half = Math.ceil(inputs.length / 2);
      const [a, b] = [inputs.slice(0, half), inputs.slice(half)];
      return new Map([
        ...(await this.writePrecisely(portalId, client, a)),
        ...(await this.writePrecisely(portalId, client, b)),
      ]);
    }
    const results = new Map<string, DeliveryResult>();
    const written: { input: ActivityInput; remoteId: string }[] = [];
    for (const input of inputs) {
      const remoteId = ids.get(input.key.toLowerCase());
      if (remoteId) written.push({ input, remoteId });
      else
        results.set(input.rowId, {
          outcome: 'retry',
          error: `${this.spec.objectType} missing from upsert results`,
        });
    }
    const refused = await this.associate(portalId, client, written);
    for (const { input, remoteId } of written) {
      const why = refused.get(input.rowId);
      // The object exists; an association HubSpot refuses (record deleted) will not heal by
      // retrying, so the row waits in the dead-letter view with HubSpot's reason.
      results.set(
        input.rowId,
        why ? { outcome: 'dead', error: why, remoteId } : { outcome: 'sent', remoteId },
      );
    }
    return results;
  }

  private async upsert(
    portalId: string,
    client: Client,
    inputs: ActivityInput[],
  ): Promise<Map<string, string>> {
    await this.pacer.acquire(portalId);
    const { body } = await hubspotRequest<{ results?: ObjectResult[] }>(client, {
      method: 'POST',
      path: `/crm/v3/objects/${this.spec.objectType}/batch/upsert`,
      body: {
        inputs: inputs.map((i) => ({
          id: i.key,
          idProperty: this.spec.idProperty,
          properties: i.properties,
        })),
      },
    });
    return this.idsByKey(body.results ?? []);
  }

  /** v4 batch associations, one request per target type; returns row id → refusal. */
  private async associate(
    portalId: string,
    client: Client,
    written: { input: ActivityInput; remoteId: string }[],
  ): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    const byType = new Map<CrmObjectType, { rowId: string; from: string; to: string }[]>();
    for (const { input, remoteId } of written) {
      for (const a of input.associations) {
        if (this.spec.associationTypeIds[a.objectType] === undefined) continue;
        const list = byType.get(a.objectType) ?? [];
        list.push({ rowId: input.rowId, from: remoteId, to: a.id });
        byType.set(a.objectType, list);
      }
    }
    for (const [toType, pairs] of byType) {
      const typeId = this.spec.associationTypeIds[toType]!;
      await this.pacer.acquire(portalId);
      let answer: AssociationBatchAnswer;
      try {
        ({ body: answer } = await hubspotRequest<AssociationBatchAnswer>(client, {
          method: 'POST',
          path: `/crm/v4/associations/${this.spec.objectType}/${toType}/batch/create`,
          body: {
            inputs: pairs.map((p) => ({
              from: { id: p.from },
              to: { id: p.to },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
            })),
          },
        }));
      } catch (err) {
        const e = await this.onError(portalId, err);
        if (e.retryable) throw e;
        for (const p of pairs) refused.set(p.rowId, e.message);
        continue;
      }
      // 207: the pairs missing from `results` failed; HubSpot's message says why.
      const done = new Set((answer.results ?? []).map((r) => `${r.fromObjectId}>${r.toObjectId}`));
      for (const p of pairs) {
        if (done.has(`${p.from}>${p.to}`)) continue;
        const error = (answer.errors ?? []).find(
          (e) => e.context?.fromObjectId?.includes(p.from) && e.context.toObjectId?.includes(p.to),
        );
        refused.set(
          p.rowId,
          `HubSpot refused the association to ${toType} ${p.to}: ${error?.message ?? 'no reason given'}`,
        );
      }
    }
    return refused;
  }

  private idsByKey(results: ObjectResult[]): Map<string, string> {
    const ids = new Map<string, string>();
    for (const r of results) {
      const key = r.properties[this.spec.idProperty];
      if (key) ids.set(key.toLowerCase(), r.id);
    }
    return ids;
  }

  /** Classifies a failure; a 429 also holds the portal's shared budget for everyone. */
  private async onError(portalId: string, err: unknown): Promise<CrmError> {
    const e = classifyCrmError(err);
    if (e.status === 429 && e.retryAfterMs !== undefined)
      await this.pacer.holdFor?.(portalId, e.retryAfterMs);
    return e;
  }

  private async ensureIdProperty(portalId: string, client: Client): Promise<void> {
    if (this.propertyReady.has(portalId)) return;
    try {
      await this.pacer.acquire(portalId);
      await hubspotRequest(client, {
        method: 'GET',
        path: `/crm/v3/properties/${this.spec.objectType}/${this.spec.idProperty}`,
      });
    } catch (err) {
      const e = await this.onError(portalId, err);
      if (e.status !== 404) throw e;
      await this.pacer.acquire(portalId);
      try {
        await hubspotRequest(client, {
          method: 'POST',
          path: `/crm/v3/properties/${this.spec.objectType}`,
          body: {
            name: this.spec.idProperty,
            label: this.spec.idPropertyLabel,
            type: 'string',
            fieldType: 'text',
            groupName: this.spec.groupName,
            hasUniqueValue: true,
            description: 'Set by Centralino; makes write-back idempotent.',
          },
        });
      } catch (createErr) {
        // Another sidecar process created it in between.
        const ce = await this.onError(portalId, createErr);
        if (ce.status !== 409) throw ce;
      }
    }
    this.propertyReady.add(portalId);
  }
}

/** What every sender answers when the portal has no credentials (yet): wait, never drop. */
export function noAccount(portalId: string, rowIds: string[]): Map<string, DeliveryResult> {
  return new Map(
    rowIds.map((id) => [
      id,
      { outcome: 'retry', error: `no HubSpot account for portal ${portalId}` },
    ]),
  );
}

/** A failure of the whole batch, as results. */
export function failAll(err: unknown, rowIds: string[]): Map<string, DeliveryResult> {
  const e = classifyCrmError(err);
  const result: DeliveryResult = e.retryable
    ? {
        outcome: 'retry',
        error: e.message,
        ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
      }
    : { outcome: 'dead', error: e.message };
  return new Map(rowIds.map((id) => [id, result]));
}
