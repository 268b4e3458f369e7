// The HubSpot sandbox in-process, with one portal, for tests that assert on what the CRM shows.
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type RunningSandbox,
} from '../../sandbox/src/hubspot/index.ts';

export interface TestHubSpot {
  sandbox: HubSpotSandbox;
  running: RunningSandbox;
  portalId: number;
  accessToken: string;
  /** Environment that points a sidecar at this portal. */
  env: Record<string, string>;
}

/**
 * `portalId`: a file of its own keeps its outbox rows apart on a shared MariaDB database.
 * `allowHttpUrls`: recording links to the test sidecar are http:// (HubSpot wants https).
 */
export async function startTestHubSpot(
  portalId = 4242,
  opts: { allowHttpUrls?: boolean } = {},
): Promise<TestHubSpot> {
  const sandbox = createHubSpotSandbox({ defaultPortal: { portalId }, ...opts });
  const running = await sandbox.listen(0);
  const portal = sandbox.defaultPortal!;
  return {
    sandbox,
    running,
    portalId: portal.portalId,
    accessToken: portal.accessToken,
    env: {
      HUBSPOT_API_BASE_URL: running.url,
      HUBSPOT_ACCESS_TOKEN: portal.accessToken,
      HUBSPOT_PORTAL_ID: String(portal.portalId),
    },
  };
}
