// The operator APIs (ACD and agents, routing settings, campaigns) behind the one guard
// (http/operator-guard.ts), walked route by route on a real sidecar: without credentials 401,
// a valid HubSpot v3 signature for another account refused, the admin token let through to the
// route itself. A signed request acts for its signed account only.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';
import { adminAuth } from '../support/env.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { cardClient } from '../support/signed-card-request.ts';

const SECRET = 'operator-guard-client-secret';
// Fresh account ids per run: on MariaDB every test file shares one database.
const A = String(randomInt(10_000_000, 49_999_999));
const B = String(randomInt(50_000_000, 99_999_999));

let sidecar: TestSidecar;
let signed: ReturnType<typeof cardClient>;

before(async () => {
  sidecar = await startTestSidecar(
    { HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_PORTAL_ID: A },
    'opguard',
  );
  // No PUBLIC_URL: the sidecar's own URL is what "HubSpot" called.
  signed = cardClient(sidecar.url, sidecar.url, SECRET);
});
after(async () => {
  await sidecar.shutdown();
});

interface Route {
  method: string;
  /** Path with `{p}` where the account goes (campaigns name it in the path). */
  path: string;
  body?: unknown;
}

const agentBody = { number: '951', name: 'Guard', pin: '1234', phoneNumber: '+390577000951' };
const campaign = (p: string) => `/api/portals/${p}`;

const routes: Route[] = [
  { method: 'GET', path: '/api/agents' },
  { method: 'GET', path: '/api/agents/nobody' },
  ...['login', 'logoff', 'unpause'].map((a) => ({
    method: 'POST',
    path: `/api/agents/nobody/${a}`,
  })),
  { method: 'POST', path: '/api/agents/nobody/pause', body: { reason: 'lunch' } },
  { method: 'POST', path: '/api/agents/nobody/transfer', body: { toQueueId: 'q' } },
  { method: 'POST', path: '/api/agents/nobody/consult', body: { toAgentId: 'x' } },
  { method: 'GET', path: '/api/agents/nobody/consult' },
  { method: 'POST', path: '/api/agents/nobody/consult/complete' },
  { method: 'POST', path: '/api/agents/nobody/consult/cancel' },
  { method: 'GET', path: '/api/acd/strategies' },
  { method: 'GET', path: '/api/acd/agents' },
  { method: 'POST', path: '/api/acd/agents', body: { number: 'x' } },
  { method: 'PATCH', path: '/api/acd/agents/nobody', body: { name: 'x' } },
  { method: 'GET', path: '/api/acd/queues' },
  { method: 'PUT', path: '/api/acd/queues/guard', body: { name: 'x', strategy: 'nope' } },
  { method: 'GET', path: '/api/acd/stats?from=0&to=1' },
  { method: 'GET', path: '/api/routing/flows' },
  { method: 'POST', path: '/api/routing/flows/reload' },
  { method: 'GET', path: '/api/routing/calendars/none' },
  { method: 'PUT', path: '/api/routing/calendars/none', body: { timeZone: null } },
  {
    method: 'POST',
    path: '/api/routing/calendars/none/exceptions',
    body: { kind: 'holiday', name: 'x', from: '2026-12-25' },
  },
  { method: 'DELETE', path: '/api/routing/calendars/none/exceptions/none' },
  { method: 'GET', path: '/api/routing/announcements/emergency' },
  { method: 'PUT', path: '/api/routing/announcements/emergency', body: { enabled: false } },
  { method: 'GET', path: '/api/routing/remembered-numbers' },
  { method: 'DELETE', path: '/api/routing/remembered-numbers/none' },
  { method: 'POST', path: `${campaign('{p}')}/campaigns`, body: { name: 'x' } },
  { method: 'GET', path: `${campaign('{p}')}/campaigns/none` },
  { method: 'GET', path: `${campaign('{p}')}/campaigns/none/progress` },
  ...['start', 'pause', 'resume', 'cancel'].map((a) => ({
    method: 'POST',
    path: `${campaign('{p}')}/campaigns/none/${a}`,
  })),
  { method: 'POST', path: `${campaign('{p}')}/campaigns/none/contacts`, body: { rows: [] } },
  {
    method: 'POST',
    path: `${campaign('{p}')}/campaigns/none/sources/hubspot-list`,
    body: { listId: '1' },
  },
  { method: 'POST', path: `${campaign('{p}')}/campaigns/none/imports?format=csv`, body: 'a,b' },
  { method: 'GET', path: `${campaign('{p}')}/imports/none` },
  { method: 'GET', path: `${campaign('{p}')}/campaigns/none/export` },
  { method: 'GET', path: `${campaign('{p}')}/contacts/1/campaigns` },
];

const label = (r: Route) => `${r.method} ${r.path}`;
const forPortal = (path: string, p: string) => path.replace('{p}', p);

async function plain(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sidecar.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    /* CSV export */
  }
  return { status: res.status, body: parsed };
}

const errorOf = (body: Record<string, unknown>) =>
  (body.error ?? {}) as { code?: string; message?: string };

test('every operator route without credentials: 401 with a clear JSON error', async () => {
  for (const r of routes) {
    const res = await plain(r.method, forPortal(r.path, A), r.body);
    assert.equal(res.status, 401, label(r));
    assert.equal(errorOf(res.body).code, 'UNAUTHORIZED', label(r));
    assert.match(errorOf(res.body).message ?? '', /ADMIN_API_TOKEN/, label(r));
  }
  // The event stream too (answered at once, not opened).
  assert.equal((await plain('GET', '/api/agents/events', undefined)).status, 401);
  // A wrong token is no token.
  const wrong = await plain('GET', '/api/acd/agents', undefined, {
    authorization: `Bearer ${'x'.repeat(32)}`,
  });
  assert.equal(wrong.status, 401);
});

test('every operator route signed by HubSpot for account A but naming B: refused', async () => {
  for (const r of routes) {
    const res = r.path.includes('{p}')
      ? // Campaigns: B in the path, the signature for A.
        await signed(r.method, forPortal(r.path, B), { portalId: A, body: r.body })
      : // The others take the account from the query: B added to the signed URL.
        await signed(r.method, r.path, { portalId: A, body: r.body, extraQuery: `&portalId=${B}` });
    assert.ok([401, 403].includes(res.status), `${label(r)}: ${res.status}`);
  }
  // A body naming B, signed for A, is refused as well, and nothing is created in B.
  const inBody = await signed('POST', '/api/acd/agents', {
    portalId: A,
    body: { ...agentBody, portalId: B },
  });
  assert.equal(inBody.status, 403);
  assert.equal(errorOf(inBody.body).code, 'WRONG_PORTAL');
  const bAgents = await plain('GET', `/api/acd/agents?portalId=${B}`, undefined, adminAuth);
  assert.deepEqual(bAgents.body.agents, []);
  // A forged or stale signature gets nowhere either.
  const forged = await signed('GET', '/api/acd/agents', { portalId: A, secret: 'guess' });
  assert.equal(forged.status, 401);
});

test('every operator route with the admin token reaches the route itself', async () => {
  for (const r of routes) {
    const res = await plain(r.method, forPortal(r.path, A), r.body, adminAuth);
    assert.ok(![401, 403].includes(res.status) && res.status < 500, `${label(r)}: ${res.status}`);
    assert.notEqual(errorOf(res.body).message, 'no such route', label(r));
  }
  const abort = new AbortController();
  const events = await fetch(`${sidecar.url}/api/agents/events`, {
    headers: adminAuth,
    signal: abort.signal,
  });
  assert.equal(events.status, 200);
  assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
  abort.abort();
});

test('a request HubSpot signed for A acts for A', async () => {
  const created = await signed('POST', '/api/acd/agents', { portalId: A, body: agentBody });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const listA = await signed('GET', '/api/acd/agents', { portalId: A });
  assert.equal(listA.status, 200);
  assert.ok((listA.body.agents as { number: string }[]).some((a) => a.number === agentBody.number));
  const announcement = await signed('GET', '/api/routing/announcements/emergency', {
    portalId: A,
  });
  assert.equal(announcement.status, 200, JSON.stringify(announcement.body));
  const contactCampaigns = await signed('GET', `/api/portals/${A}/contacts/1/campaigns`, {
    portalId: A,
  });
  assert.equal(contactCampaigns.status, 200, JSON.stringify(contactCampaigns.body));
});
