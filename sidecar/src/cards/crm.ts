// The few HubSpot reads and writes the card APIs make synchronously (while the card waits),
// through the per-portal client and the shared write pacer.
import type { Client } from '@hubspot/api-client';
import { classifyCrmError } from '../crm/errors.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';
import { CardApiError } from './errors.ts';

export class CardCrm {
  constructor(
    private readonly portals: HubSpotPortals,
    private readonly limiter: RequestPacer,
  ) {}

  client(portalId: string): Client {
    const client = this.portals.client(portalId);
    if (!client)
      throw new CardApiError(503, 'CRM_NOT_CONNECTED', `no HubSpot connection for ${portalId}`);
    return client;
  }

  async request<T>(
    portalId: string,
    opts: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: unknown },
  ): Promise<T> {
    const client = this.client(portalId);
    await this.limiter.acquire(portalId);
    try {
      return (await hubspotRequest<T>(client, opts)).body;
    } catch (err) {
      throw toCardError(err);
    }
  }

  /** Ids of the contacts (or companies) associated with a record, first page (≤ 100). */
  async associatedIds(
    portalId: string,
    from: string,
    fromId: string,
    to: 'contacts' | 'companies',
  ): Promise<string[]> {
    const body = await this.request<{ results?: { toObjectId: number | string }[] }>(portalId, {
      method: 'GET',
      path: `/crm/v4/objects/${from}/${encodeURIComponent(fromId)}/associations/${to}?limit=100`,
    });
    return (body.results ?? []).map((r) => String(r.toObjectId));
  }
}

export function toCardError(err: unknown): Error {
  if (err instanceof CardApiError) return err;
  const e = classifyCrmError(err);
  if (e.status === 404) return new CardApiError(404, 'NOT_FOUND', 'record not found in HubSpot');
  if (e.retryable) return new CardApiError(503, 'CRM_UNAVAILABLE', e.message);
  return new CardApiError(502, 'CRM_REFUSED', e.message);
}
