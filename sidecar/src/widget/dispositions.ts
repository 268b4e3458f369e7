// The account's call dispositions (GET /calling/v1/dispositions), cached per portal: the
// widget offers exactly these, and callCompleted carries the chosen id as hs_call_disposition.
import type { Clock } from '../ports.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';

export interface Disposition {
  id: string;
  label: string;
}

export class Dispositions {
  private readonly cache = new Map<string, { list: Disposition[]; expiresAt: number }>();

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async list(portalId: string): Promise<Disposition[]> {
    const hit = this.cache.get(portalId);
    if (hit && hit.expiresAt > this.clock.now()) return hit.list;
    const client = this.portals.client(portalId);
    if (!client) throw new Error(`no HubSpot account for portal ${portalId}`);
    const { body } = await hubspotRequest<{ id: string; label: string; deleted?: boolean }[]>(
      client,
      { method: 'GET', path: '/calling/v1/dispositions' },
    );
    const list = body.filter((d) => !d.deleted).map((d) => ({ id: d.id, label: d.label }));
    this.cache.set(portalId, { list, expiresAt: this.clock.now() + this.ttlMs });
    return list;
  }
}
