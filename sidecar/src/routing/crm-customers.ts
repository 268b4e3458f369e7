// The support gate's questions to the CRM: which customer has this code, and what is their
// contract status. Each request is bounded; the contract status is cached only briefly, so a
// grant or revoke in the CRM applies to the next call, while the last known value still lets
// us route when the CRM is down (S3, S5).
import { classifyCrmError } from '../crm/errors.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';
import type { Clock } from '../ports.ts';
import type { CustomerRef } from './remembered-numbers.ts';

export type CrmAnswer<T> = { kind: 'ok'; value: T } | { kind: 'unavailable'; reason: string };

export type ContractAnswer =
  | { kind: 'fresh'; status: string | null; via: CustomerRef | null }
  | {
      kind: 'cached';
      status: string | null;
      via: CustomerRef | null;
      ageMs: number;
      reason: string;
    }
  | { kind: 'unavailable'; reason: string };

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`CRM did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export interface ContractLocation {
  object: 'companies' | 'contacts';
  property: string;
}

export class CrmCustomers {
  private readonly lastKnown = new Map<
    string,
    { status: string | null; via: CustomerRef | null; at: number }
  >();

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly searchLimiter: RequestPacer,
    private readonly clock: Clock,
    /** How long a contract status is reused without asking the CRM again. */
    private readonly contractTtlMs: number,
  ) {}

  async findByCode(
    portalId: string,
    object: 'companies' | 'contacts',
    property: string,
    code: string,
    timeoutMs: number,
  ): Promise<CrmAnswer<CustomerRef | null>> {
    return this.ask(portalId, timeoutMs, async (client) => {
      await this.searchLimiter.acquire(portalId);
      const { body } = await hubspotRequest<{ results: { id: string }[] }>(client, {
        method: 'POST',
        path: `/crm/v3/objects/${object}/search`,
        body: {
          filterGroups: [{ filters: [{ propertyName: property, operator: 'EQ', value: code }] }],
          properties: [property],
          limit: 1,
        },
      });
      const first = body.results[0];
      return first ? { type: object, id: first.id } : null;
    });
  }

  /** The contract status for a customer; for a contact with the status on its company, the company's. */
  async contractStatus(
    portalId: string,
    who: CustomerRef,
    where: ContractLocation,
    timeoutMs: number,
  ): Promise<ContractAnswer> {
    const key = `${portalId}|${who.type}|${who.id}|${where.object}|${where.property}`;
    const known = this.lastKnown.get(key);
    const now = this.clock.now();
    if (known && now - known.at < this.contractTtlMs)
      return { kind: 'fresh', status: known.status, via: known.via };
    const answer = await this.ask(portalId, timeoutMs, async (client) => {
      let holder: CustomerRef | null = who;
      if (who.type !== where.object) {
        const { body } = await hubspotRequest<{ results: { toObjectId: number }[] }>(client, {
          method: 'GET',
          path: `/crm/v4/objects/${who.type}/${who.id}/associations/${where.object}`,
        });
        const first = body.results[0];
        holder = first ? { type: where.object, id: String(first.toObjectId) } : null;
      }
      if (!holder) return { status: null, via: null };
      const { body } = await hubspotRequest<{ properties: Record<string, string | null> }>(client, {
        method: 'GET',
        path: `/crm/v3/objects/${holder.type}/${holder.id}?properties=${encodeURIComponent(where.property)}`,
      });
      return { status: body.properties[where.property] ?? null, via: holder };
    });
    if (answer.kind === 'ok') {
      // Bounded: the oldest entry goes first (a Map iterates in insertion order).
      this.lastKnown.delete(key);
      if (this.lastKnown.size >= 10_000) this.lastKnown.delete(this.lastKnown.keys().next().value!);
      this.lastKnown.set(key, { ...answer.value, at: this.clock.now() });
      return { kind: 'fresh', ...answer.value };
    }
    if (known)
      return {
        kind: 'cached',
        status: known.status,
        via: known.via,
        ageMs: now - known.at,
        reason: answer.reason,
      };
    return answer;
  }

  /** Forget a customer's cached status (a CRM webhook said it changed). */
  invalidate(portalId: string): void {
    for (const key of this.lastKnown.keys())
      if (key.startsWith(`${portalId}|`)) this.lastKnown.delete(key);
  }

  private async ask<T>(
    portalId: string,
    timeoutMs: number,
    work: (client: NonNullable<ReturnType<HubSpotPortals['client']>>) => Promise<T>,
  ): Promise<CrmAnswer<T>> {
    const client = this.portals.client(portalId);
    if (!client) return { kind: 'unavailable', reason: 'no HubSpot account connected' };
    try {
      return { kind: 'ok', value: await bounded(work(client), timeoutMs) };
    } catch (err) {
      if (err instanceof TimeoutError) return { kind: 'unavailable', reason: err.message };
      return { kind: 'unavailable', reason: classifyCrmError(err).message };
    }
  }
}
