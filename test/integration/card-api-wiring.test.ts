// The card APIs as the composition root mounts them: PUBLIC_URL is what HubSpot signs,
// HUBSPOT_CLIENT_SECRET the key; without a secret every card request is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminAuth } from '../support/env.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { cardClient } from '../support/signed-card-request.ts';

const PUBLIC_URL = 'https://sidecar.example.com';
let sidecar: TestSidecar;
let unconfigured: TestSidecar;

before(async () => {
  sidecar = await startTestSidecar(
    { PUBLIC_URL, HUBSPOT_CLIENT_SECRET: 'wiring-secret', HUBSPOT_PORTAL_ID: '4242' },
    'cardwire',
  );
  unconfigured = await startTestSidecar({ PUBLIC_URL }, 'cardnosecret');
});
after(async () => {
  await sidecar.shutdown();
  await unconfigured.shutdown();
});

test('main mounts the signed card router', async () => {
  const req = cardClient(sidecar.url, PUBLIC_URL, 'wiring-secret');
  const ok = await req('GET', '/api/cards/scripts', { portalId: '4242' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.ok(Array.isArray(ok.body.scripts));
  assert.equal((await req('GET', '/api/cards/scripts', { secret: 'guess' })).status, 401);
  // Routing settings are wired: with the default greeting flows there is no announcement to
  // switch, and the page is told so instead of saving a switch no call would read.
  const settings = await req('PUT', '/api/cards/settings/emergency', {
    body: { enabled: false, text: '' },
  });
  assert.equal(settings.status, 400, JSON.stringify(settings.body));
  assert.match(JSON.stringify(settings.body), /no announcement 'emergency'/);
  // Routes outside /api/cards are untouched by the check.
  assert.equal((await fetch(`${sidecar.url}/healthz`)).status, 200);
});

test('without HUBSPOT_CLIENT_SECRET card requests are refused', async () => {
  const req = cardClient(unconfigured.url, PUBLIC_URL, 'any');
  const res = await req('GET', '/api/cards/scripts');
  assert.equal(res.status, 503);
  assert.equal((res.body.error as { code: string }).code, 'NOT_CONFIGURED');
});

test('the settings page sees the ACD: agents with queue skills, queues, and a strategy change', async () => {
  const req = cardClient(sidecar.url, PUBLIC_URL, 'wiring-secret');
  const acd = (method: string, path: string, body?: unknown) =>
    fetch(`${sidecar.url}${path}?portalId=4242`, {
      method,
      headers: { 'content-type': 'application/json', ...adminAuth },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const agent = await acd('POST', '/api/acd/agents', {
    number: '301',
    name: 'Giulia',
    pin: '1234',
    phoneNumber: '+390577000301',
  });
  assert.equal(agent.status, 201, await agent.clone().text());
  const put = await acd('PUT', '/api/acd/queues/wiring', {
    name: 'Wiring',
    strategy: 'round-robin',
    members: [{ agentNumber: '301', skillLevel: 3 }],
  });
  assert.equal(put.status, 200, await put.clone().text());

  const view = await req('GET', '/api/cards/settings', { portalId: '4242' });
  assert.equal(view.status, 200, JSON.stringify(view.body));
  const acdView = view.body.acd as {
    agents: { name: string; skills: string[] }[];
    queues: { id: string; strategy: string }[];
    strategies: string[];
  };
  assert.deepEqual(acdView.agents.find((a) => a.name === 'Giulia')?.skills, ['wiring:3']);
  assert.equal(acdView.queues.find((q) => q.id === 'wiring')?.strategy, 'round-robin');
  assert.ok(acdView.strategies.includes('sticky'));

  const changed = await req('PUT', '/api/cards/settings/queues/wiring', {
    portalId: '4242',
    body: { strategy: 'longest-idle' },
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const after = (await (await acd('GET', '/api/acd/queues')).json()) as {
    queues: { id: string; strategy: string; members: { skillLevel: number }[] }[];
  };
  const q = after.queues.find((x) => x.id === 'wiring')!;
  assert.equal(q.strategy, 'longest-idle');
  assert.deepEqual(
    q.members.map((m) => m.skillLevel),
    [3],
    'members survive the strategy change',
  );
  const bad = await req('PUT', '/api/cards/settings/queues/wiring', {
    portalId: '4242',
    body: { strategy: 'dance' },
  });
  assert.equal(bad.status, 400);
  const missing = await req('PUT', '/api/cards/settings/queues/nope', {
    portalId: '4242',
    body: { strategy: 'sticky' },
  });
  assert.equal(missing.status, 404);
});
