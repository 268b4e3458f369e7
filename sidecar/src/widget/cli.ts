// Admin commands for the calling widget, reading the same configuration as the sidecar:
//   node --import tsx sidecar/src/widget/cli.ts link --portal <portalId> --agent <agentId> [--hours N]
//     prints the agent's signed sign-in link (PUBLIC_URL/widget/#token=…); send it to the agent.
//   node --import tsx sidecar/src/widget/cli.ts register [--manifest manifest.json]
//     registers the widget's calling settings with HubSpot (HUBSPOT_APP_ID, HUBSPOT_DEVELOPER_API_KEY).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, publicUrlOf } from '../config.ts';
import { issueAgentToken } from './agent-session.ts';
import { callingSettingsPayload, registerCallingSettings } from './calling-settings.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    portal: { type: 'string' },
    agent: { type: 'string' },
    hours: { type: 'string' },
    manifest: { type: 'string', default: 'manifest.json' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(64);
}

try {
  const config = loadConfig();
  const command = positionals[0];
  if (command === 'link') {
    if (!config.WIDGET_SESSION_SECRET) fail('WIDGET_SESSION_SECRET is not set');
    if (!values.portal || !values.agent) fail('usage: link --portal <portalId> --agent <agentId>');
    const hours = Number(values.hours ?? config.WIDGET_SESSION_TTL_HOURS);
    const token = issueAgentToken(config.WIDGET_SESSION_SECRET, {
      portalId: values.portal,
      agentId: values.agent,
      expiresAt: Date.now() + hours * 3_600_000,
    });
    console.log(`${new URL('/widget/', publicUrlOf(config)).toString()}#token=${token}`);
  } else if (command === 'register') {
    if (!config.HUBSPOT_APP_ID || !config.HUBSPOT_DEVELOPER_API_KEY)
      fail('HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY are required');
    const manifest = JSON.parse(readFileSync(values.manifest, 'utf8')) as {
      callingWidget?: unknown;
    };
    const result = await registerCallingSettings({
      apiBaseUrl: config.HUBSPOT_API_BASE_URL,
      appId: config.HUBSPOT_APP_ID,
      developerApiKey: config.HUBSPOT_DEVELOPER_API_KEY,
      payload: callingSettingsPayload(manifest, publicUrlOf(config)),
    });
    console.log(JSON.stringify({ created: result.created, settings: result.settings }, null, 2));
  } else {
    fail('usage: cli.ts link --portal P --agent A [--hours N] | register [--manifest file]');
  }
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}
