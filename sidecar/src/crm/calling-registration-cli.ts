// node --import tsx sidecar/src/crm/calling-registration-cli.ts
// Registers (or updates) the calling widget from manifest.json with HUBSPOT_APP_ID,
// HUBSPOT_DEVELOPER_API_KEY and PUBLIC_URL from the environment. Run once per app.
import { loadAppManifest } from '../app-manifest.ts';
import { loadConfig, publicUrlOf } from '../config.ts';
import { registerCallingSettings } from './calling-registration.ts';

const config = loadConfig();
if (!config.HUBSPOT_APP_ID || !config.HUBSPOT_DEVELOPER_API_KEY) {
  console.error('set HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY');
  process.exit(2);
}
const result = await registerCallingSettings(loadAppManifest(), {
  apiBaseUrl: config.HUBSPOT_API_BASE_URL,
  appId: config.HUBSPOT_APP_ID,
  developerApiKey: config.HUBSPOT_DEVELOPER_API_KEY,
  publicUrl: publicUrlOf(config),
});
console.log(JSON.stringify(result, null, 2));
