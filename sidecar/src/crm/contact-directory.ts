// Finds the contact a caller ID belongs to. Results are cached (search is rate-limited apart
// from the rest and lags behind writes by seconds), and a slow CRM never holds a caller:
// the lookup is bounded by the caller's AbortSignal.
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { storedSpellings, type E164 } from '../domain/phone.ts';
import type { Clock, ContactDirectory, LookupResult } from '../ports.ts';
import { classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import type { RequestPacer } from './shared-pacer.ts';

interface CacheEntry {
  result: LookupResult;
  expiresAt: number;
}

export class HubSpotContactDirectory implements ContactDirectory {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly limiter: RequestPacer,
    private readonly clock: Clock,
    private readonly ttl = { foundMs: 5 * 60_000, notFoundMs: 30_000 },
  ) {}

  async findByPhone(portalId: string, number: E164, signal: AbortSignal): Promise<LookupResult> {
    const key = `${portalId}|${number}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.clock.now()) return hit.result;
    const client = this.portals.client(portalId);
    if (!client) return { kind: 'unavailable', reason: 'no HubSpot account connected' };
    try {
      const result = await abortable(this.search(portalId, number, client), signal);
      const ttl = result.kind === 'found' ? this.ttl.foundMs : this.ttl.notFoundMs;
      this.cache.set(key, { result, expiresAt: this.clock.now() + ttl });
      return result;
    } catch (err) {
      if (signal.aborted) return { kind: 'unavailable', reason: 'CRM lookup timed out' };
      return { kind: 'unavailable', reason: classifyCrmError(err).message };
    }
  }

  /** Forget a number (a contact's phone changed, from a webhook). */
  invalidate(portalId: string, number: E164): void {
    this.cache.delete(`${portalId}|${number}`);
  }

  private async search(
    portalId: string,
    number: E164,
    client: NonNullable<ReturnType<HubSpotPortals['client']>>,
  ): Promise<LookupResult> {
    await this.limiter.acquire(portalId);
    const values = storedSpellings(number);
    const response = await client.crm.contacts.searchApi.doSearch({
      filterGroups: ['phone', 'mobilephone'].map((propertyName) => ({
        filters: [{ propertyName, operator: FilterOperatorEnum.In, values }],
      })),
      properties: ['firstname', 'lastname', 'phone', 'mobilephone'],
      sorts: ['createdate'],
      limit: 1,
    });
    const first = response.results[0];
    if (!first) return { kind: 'not-found' };
    return {
      kind: 'found',
      contact: {
        id: first.id,
        firstname: first.properties.firstname,
        lastname: first.properties.lastname,
      },
    };
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
