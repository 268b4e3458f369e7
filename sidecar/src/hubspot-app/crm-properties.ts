// The CRM properties manifest.json declares (support status on contacts/companies/deals, the
// call id on calls), created in an account when it installs the app (and at start in
// single-account mode): the "Centralino" group first, then each property. Idempotent: what
// exists (409, or found) is left alone, so a reinstall creates nothing twice. A property that
// cannot be created is reported, never skipped in silence.
import type { Client } from '@hubspot/api-client';
import type { AppManifest } from '../app-manifest.ts';
import { hubspotRequest, HubSpotHttpError } from '../crm/hubspot-request.ts';

export const PROPERTY_GROUP = { name: 'centralino', label: 'Centralino' } as const;

export interface CrmPropertiesReport {
  /** "objectType.name" of what this run created (groups as "objectType.group:name"). */
  created: string[];
  /** What was there already. */
  existing: string[];
}

/** Some properties could not be created; the message lists each with HubSpot's reason. */
export class CrmPropertiesError extends Error {
  constructor(
    readonly failures: readonly string[],
    readonly report: CrmPropertiesReport,
  ) {
    super(`CRM properties not created: ${failures.join('; ')}`);
    this.name = 'CrmPropertiesError';
  }
}

function reason(err: unknown): string {
  if (err instanceof HubSpotHttpError) {
    const message = (err.body as { message?: unknown } | undefined)?.message;
    return `HubSpot ${err.code}${typeof message === 'string' ? `: ${message}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** POST that treats 409 (already exists) as success; answers whether it created. */
async function createUnlessExists(client: Client, path: string, body: unknown): Promise<boolean> {
  try {
    await hubspotRequest(client, { method: 'POST', path, body });
    return true;
  } catch (err) {
    if (err instanceof HubSpotHttpError && err.code === 409) return false;
    throw err;
  }
}

export async function ensureCrmProperties(
  client: Client,
  manifest: Pick<AppManifest, 'crmProperties'>,
  /** Waits for the account's share of the HubSpot rate limit before each call. */
  pace: () => Promise<unknown> = () => Promise.resolve(),
): Promise<CrmPropertiesReport> {
  const report: CrmPropertiesReport = { created: [], existing: [] };
  const failures: string[] = [];
  for (const [objectType, properties] of Object.entries(manifest.crmProperties)) {
    if (!properties?.length) continue;
    const groupKey = `${objectType}.group:${PROPERTY_GROUP.name}`;
    try {
      await pace();
      const created = await createUnlessExists(
        client,
        `/crm/v3/properties/${objectType}/groups`,
        PROPERTY_GROUP,
      );
      (created ? report.created : report.existing).push(groupKey);
    } catch (err) {
      // Without the group none of this type's properties can be created: report them all.
      failures.push(`${groupKey} (${reason(err)})`);
      for (const p of properties) failures.push(`${objectType}.${p.name} (no group)`);
      continue;
    }
    for (const p of properties) {
      const key = `${objectType}.${p.name}`;
      try {
        await pace();
        const created = await createUnlessExists(client, `/crm/v3/properties/${objectType}`, {
          ...p,
          groupName: PROPERTY_GROUP.name,
        });
        (created ? report.created : report.existing).push(key);
      } catch (err) {
        failures.push(`${key} (${reason(err)})`);
      }
    }
  }
  if (failures.length > 0) throw new CrmPropertiesError(failures, report);
  return report;
}
