// Registering the calling widget with the HubSpot sandbox's calling-settings endpoint, with
// the developer API key, from manifest.json; re-running updates instead of failing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  callingSettingsPayload,
  registerCallingSettings,
} from '../../sidecar/src/widget/calling-settings.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';

let hubspot: TestHubSpot;
before(async () => {
  hubspot = await startTestHubSpot();
});
after(async () => {
  await hubspot.running.close();
});

const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as { callingWidget: unknown };

test('registers the widget settings built from manifest.json, then updates them', async () => {
  const app = hubspot.sandbox.registerOAuthApp({ developerApiKey: 'dev-key-1' });
  const payload = callingSettingsPayload(manifest, 'https://sidecar.example.com');
  const first = await registerCallingSettings({
    apiBaseUrl: hubspot.running.url,
    appId: String(app.appId),
    developerApiKey: 'dev-key-1',
    payload,
  });
  assert.equal(first.created, true);
  const res = await fetch(
    `${hubspot.running.url}/crm/v3/extensions/calling/${app.appId}/settings?hapikey=dev-key-1`,
  );
  const stored = (await res.json()) as Record<string, unknown>;
  assert.equal(stored.url, 'https://sidecar.example.com/widget/');
  assert.equal(stored.name, 'Centralino');
  assert.equal(stored.width, 400);
  assert.equal(stored.height, 600);
  assert.equal(stored.supportsInboundCalling, true);
  assert.equal(stored.isReady, true);

  const again = await registerCallingSettings({
    apiBaseUrl: hubspot.running.url,
    appId: String(app.appId),
    developerApiKey: 'dev-key-1',
    payload: { ...payload, height: 650 },
  });
  assert.equal(again.created, false);
  assert.equal(again.settings.height, 650);
});

test('a wrong developer key is refused, and the key is not in the error', async () => {
  const app = hubspot.sandbox.registerOAuthApp({ developerApiKey: 'right-key' });
  await assert.rejects(
    registerCallingSettings({
      apiBaseUrl: hubspot.running.url,
      appId: String(app.appId),
      developerApiKey: 'wrong-key-secret',
      payload: callingSettingsPayload(manifest, 'https://sidecar.example.com'),
    }),
    (err: Error) => /HTTP 401/.test(err.message) && !err.message.includes('wrong-key-secret'),
  );
});

test('the sandbox calling page embeds the widget and refuses a bad widget URL or portal', async () => {
  const ok = await fetch(
    `${hubspot.running.url}/calling?portalId=${hubspot.portalId}&widget=${encodeURIComponent('http://127.0.0.1:9/widget/#token=t')}`,
  );
  assert.equal(ok.status, 200);
  const html = await ok.text();
  assert.match(html, /id="hubspot-calling-extension-iframe"/);
  assert.match(html, /"widgetUrl":"http:\/\/127\.0\.0\.1:9\/widget\/#token=t"/);
  const bad = await fetch(
    `${hubspot.running.url}/calling?portalId=${hubspot.portalId}&widget=javascript:alert(1)`,
  );
  assert.equal(bad.status, 400);
  const unknown = await fetch(
    `${hubspot.running.url}/calling?portalId=1&widget=${encodeURIComponent('https://x.example/')}`,
  );
  assert.equal(unknown.status, 404);
});
