// npm start: the product on embedded defaults. Provisions and starts the Asterisk sandbox,
// starts the HubSpot sandbox when no account is connected, migrates the embedded database and
// runs the sidecar. Ctrl-C stops all of it.
import { AsteriskSandbox } from '../asterisk/sandbox.ts';
import { createHubSpotSandbox } from '../sandbox/src/hubspot/index.ts';
import { ConfigError, loadConfig } from '../sidecar/src/config.ts';
import { FlowsConfigError } from '../sidecar/src/routing/flow-schema.ts';
import { startSidecar } from '../sidecar/src/main.ts';
import { issueAgentToken } from '../sidecar/src/widget/agent-session.ts';

const env: NodeJS.ProcessEnv = { ...process.env };
const ariUrl = new URL(env.ARI_URL ?? 'http://127.0.0.1:8088');
const asterisk = new AsteriskSandbox({
  ariPort: Number(ariUrl.port || 8088),
  sipPort: Number(env.ASTERISK_SIP_PORT ?? 5060),
  ariApp: env.ARI_APP ?? 'centralino',
  ariUsername: env.ARI_USERNAME ?? 'centralino',
  ariPassword: env.ARI_PASSWORD ?? 'centralino',
});
console.log('starting the Asterisk 22 sandbox (the first run provisions it: about a minute)…');
await asterisk.start(60_000);

let closeHubSpot: (() => Promise<void>) | undefined;
let hubspotPage: string | undefined;
if (!env.HUBSPOT_ACCESS_TOKEN) {
  const sandbox = createHubSpotSandbox({ defaultPortal: { portalId: 12345678 } });
  const running = await sandbox.listen(Number(env.HUBSPOT_SANDBOX_PORT ?? 8090));
  const portal = sandbox.defaultPortal!;
  sandbox.seedObject(portal.portalId, 'contacts', {
    properties: {
      firstname: 'Mario',
      lastname: 'Rossi',
      phone: '0577 111222',
      email: 'mario.rossi@example.com',
    },
  });
  env.HUBSPOT_API_BASE_URL = running.url;
  env.HUBSPOT_ACCESS_TOKEN = portal.accessToken;
  env.HUBSPOT_PORTAL_ID = String(portal.portalId);
  // Click-to-call without phones: the agent's phone and the customer are scripted Local channels.
  env.WIDGET_AGENT_DIAL ??= 'Local/answer@test-callee';
  env.WIDGET_CUSTOMER_DIAL ??= 'Local/{digits}@test-customer';
  // The sandbox's calling page (HubSpot's side of the SDK) may frame the widget.
  env.WIDGET_FRAME_ANCESTORS ??= `${running.url} https://*.hubspot.com`;
  closeHubSpot = () => running.close();
  hubspotPage = running.url;
}

// Routing: the shipped flows (greeting by default, an IVR and the support line as examples).
env.FLOWS_FILE ??= new URL('../sidecar/flows.yaml', import.meta.url).pathname;
// ACD demo: two agents and a 'support' queue on 0577235599 (README, "Try a queue").
env.ACD_SEED_FILE ??= 'config/acd-demo.json';

let config;
try {
  config = loadConfig(env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}
const sidecar = await startSidecar(config).catch((err: unknown) => {
  if (err instanceof FlowsConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
});
const widgetLink = `${sidecar.url}/widget/#token=${issueAgentToken(sidecar.widget.secret, {
  portalId: config.HUBSPOT_PORTAL_ID ?? 'single',
  agentId: 'demo',
  expiresAt: Date.now() + 12 * 3_600_000,
})}`;

console.log(`
Centralino is running.
  sidecar        ${sidecar.url}   (/healthz, /readyz, /metrics)
  Asterisk       ARI ${asterisk.ariUrl}, SIP udp/127.0.0.1:${asterisk.sipPort}
  HubSpot        ${hubspotPage ? `sandbox ${hubspotPage} (no account connected; open it to see records and timelines)` : config.HUBSPOT_API_BASE_URL}

Place a test call (Mario Rossi is a contact in the sandbox CRM):
  npm run call -- --from +390577111222 --to 0577235501
then open ${hubspotPage ?? 'HubSpot'} and look at Mario's timeline.

Calling widget (agent "demo", valid 12 h): ${widgetLink}
${
  hubspotPage
    ? `  inside the sandbox's HubSpot calling page (click "Call" on Mario): ${hubspotPage}/calling?portalId=${config.HUBSPOT_PORTAL_ID}&widget=${encodeURIComponent(widgetLink)}
`
    : ''
}`);

const stop = (signal: string) => {
  console.log(`${signal}: stopping…`);
  void (async () => {
    await sidecar.shutdown();
    await closeHubSpot?.();
    await asterisk.stop();
    process.exit(0);
  })();
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
