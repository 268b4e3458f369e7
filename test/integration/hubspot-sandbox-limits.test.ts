// HubSpot sandbox: rate limits, portal isolation, OAuth, faults and indexing delay (fake clock).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { createHubSpotSandbox, type RunningSandbox } from '../../sandbox/src/hubspot/index.ts';
import { jsonRequest, type Json } from '../support/json-request.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let now = Date.UTC(2025, 0, 6, 9, 0, 0);
const sandbox = createHubSpotSandbox({ clock: () => now });
let running: RunningSandbox;
let portal: { portalId: number; accessToken: string };

const api = (
  method: string,
  path: string,
  body?: unknown,
  token: string | null = portal.accessToken,
) => jsonRequest(running.url, method, path, body, token);

async function form(path: string, fields: Record<string, string>) {
  const res = await fetch(`${running.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const search = (phone: string, token?: string) =>
  api(
    'POST',
    '/crm/v3/objects/contacts/search',
    { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'EQ', value: phone }] }] },
    token,
  );

before(async () => {
  running = await sandbox.listen();
});
after(async () => running.close());
beforeEach(() => {
  sandbox.reset();
  now += 60_000;
  portal = sandbox.createPortal();
});

describe('rate limits', () => {
  it('allows 110 requests per rolling 10 s, then answers 429 with HubSpot’s body and headers', async () => {
    const first = await api('GET', '/crm/v3/objects/contacts');
    assert.equal(first.headers.get('x-hubspot-ratelimit-max'), '110');
    assert.equal(first.headers.get('x-hubspot-ratelimit-remaining'), '109');
    assert.equal(first.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
    assert.equal(first.headers.get('x-hubspot-ratelimit-daily'), '250000');
    assert.equal(first.headers.get('x-hubspot-ratelimit-daily-remaining'), '249999');
    for (let i = 2; i <= 110; i += 1) {
      now += 10;
      assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200, `request ${i}`);
    }
    const refused = await api('GET', '/crm/v3/objects/contacts');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), '0');
    assert.equal(refused.body.status, 'error');
    assert.equal(refused.body.message, 'You have reached your ten_secondly_rolling limit.');
    assert.equal(refused.body.errorType, 'RATE_LIMIT');
    assert.equal(refused.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.match(String(refused.body.correlationId), UUID);
    assert.match(String(refused.body.groupName), /^publicapi:oauth:/);
    // Another portal has its own budget.
    const other = sandbox.createPortal();
    assert.equal(
      (await api('GET', '/crm/v3/objects/contacts', undefined, other.accessToken)).status,
      200,
    );
    // The window rolls: 10 s after the first request, only that one has left it; the 429 counted.
    now += 10_000 - 109 * 10;
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 429);
    now += 10_000;
    const again = await api('GET', '/crm/v3/objects/contacts');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-hubspot-ratelimit-remaining'), '109');
  });

  it('limits search to 5 requests per second, separately', async () => {
    for (let i = 0; i < 5; i += 1) assert.equal((await search('1')).status, 200);
    const refused = await search('1');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.policyName, 'SECONDLY');
    assert.equal(refused.body.message, 'You have reached your secondly limit.');
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200);
    now += 1001;
    assert.equal((await search('1')).status, 200);
  });

  it('logs requests per portal for tests to count', async () => {
    await api('GET', '/crm/v3/objects/contacts');
    await api('POST', '/crm/v3/objects/contacts', { properties: { firstname: 'x' } });
    const log = await api('GET', `/_sandbox/requests?portalId=${portal.portalId}`, undefined, null);
    const entries = log.body.results as Json[];
    assert.deepEqual(
      entries.map((e) => [e.method, e.path, e.status]),
      [
        ['GET', '/crm/v3/objects/contacts', 200],
        ['POST', '/crm/v3/objects/contacts', 201],
      ],
    );
    assert.equal(entries[0]?.time, now);
  });
});

describe('isolation and auth', () => {
  it('keeps portals apart', async () => {
    const created = await api('POST', '/crm/v3/objects/contacts', {
      properties: { phone: '+3906111' },
    });
    const b = sandbox.createPortal();
    const read = await api(
      'GET',
      `/crm/v3/objects/contacts/${String(created.body.id)}`,
      undefined,
      b.accessToken,
    );
    assert.equal(read.status, 404);
    assert.equal(read.body.category, 'OBJECT_NOT_FOUND');
    assert.equal((await search('+3906111', b.accessToken)).body.total, 0);
    assert.equal((await search('+3906111')).body.total, 1);
    assert.equal(sandbox.listObjects(b.portalId, 'contacts').length, 0);
  });

  it('runs the OAuth code flow, refreshes, and expires tokens by the clock', async () => {
    const redirectUri = 'https://sidecar.example.com/oauth/callback';
    const app = sandbox.registerOAuthApp({ redirectUris: [redirectUri] });
    const scopes = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];
    const { code } = sandbox.authorize({
      portalId: portal.portalId,
      clientId: app.clientId,
      redirectUri,
      scopes,
    });
    const base = {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: redirectUri,
    };
    const bad = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'authorization_code',
      code,
      client_secret: 'x',
    });
    assert.deepEqual([bad.status, bad.body.status], [400, 'BAD_CLIENT_SECRET']);
    const badId = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'authorization_code',
      code,
      client_id: 'x',
    });
    assert.equal(badId.body.status, 'BAD_CLIENT_ID');
    const badUri = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://evil.example.com/',
    });
    assert.equal(badUri.body.status, 'BAD_REDIRECT_URI');

    const client = new Client({ basePath: running.url });
    const tokens = await client.oauth.tokensApi.create(
      'authorization_code',
      code,
      redirectUri,
      app.clientId,
      app.clientSecret,
    );
    assert.equal(tokens.expiresIn, 1800);
    assert.equal(tokens.tokenType, 'bearer');
    const reuse = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'authorization_code',
      code,
    });
    assert.equal(reuse.body.status, 'BAD_AUTH_CODE');

    const info = await api('GET', `/oauth/v1/access-tokens/${tokens.accessToken}`, undefined, null);
    assert.equal(info.body.hub_id, portal.portalId);
    assert.equal(info.body.app_id, app.appId);
    assert.deepEqual(info.body.scopes, scopes);
    const ok = await api(
      'POST',
      '/crm/v3/objects/contacts',
      { properties: { firstname: 'O' } },
      tokens.accessToken,
    );
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('x-hubspot-ratelimit-daily'), null);
    const scope = await api(
      'POST',
      '/crm/v3/objects/companies',
      { properties: { name: 'X' } },
      tokens.accessToken,
    );
    assert.equal(scope.status, 403);
    assert.equal(scope.body.category, 'MISSING_SCOPES');

    now += 1800 * 1000;
    const expired = await api('GET', '/crm/v3/objects/contacts', undefined, tokens.accessToken);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.category, 'EXPIRED_AUTHENTICATION');

    const badRefresh = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: 'nope',
    });
    assert.equal(badRefresh.body.status, 'BAD_REFRESH_TOKEN');
    const refreshed = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.refresh_token, tokens.refreshToken);
    assert.notEqual(refreshed.body.access_token, tokens.accessToken);
    const fresh = await api(
      'GET',
      '/crm/v3/objects/contacts',
      undefined,
      String(refreshed.body.access_token),
    );
    assert.equal(fresh.status, 200);

    const del = await fetch(`${running.url}/oauth/v1/refresh-tokens/${tokens.refreshToken}`, {
      method: 'DELETE',
    });
    assert.equal(del.status, 204);
    const afterDelete = await form('/oauth/v1/token', {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    assert.equal(afterDelete.body.status, 'BAD_REFRESH_TOKEN');
  });
});

describe('faults', () => {
  it('fails the next requests with a 5xx in HubSpot’s shape', async () => {
    sandbox.setFaults({ failNext: { count: 1, status: 503 } });
    const failed = await api('GET', '/crm/v3/objects/contacts');
    assert.equal(failed.status, 503);
    assert.equal(failed.body.status, 'error');
    assert.match(String(failed.body.correlationId), UUID);
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200);
  });

  it('scopes an error rate to a path prefix', async () => {
    await api(
      'PUT',
      '/_sandbox/faults',
      { errorRate: 1, status5xx: 502, pathPrefix: '/crm/v3/objects/deals' },
      null,
    );
    assert.equal((await api('GET', '/crm/v3/objects/deals')).status, 502);
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200);
    await api('DELETE', '/_sandbox/faults', undefined, null);
    assert.equal((await api('GET', '/crm/v3/objects/deals')).status, 200);
  });

  it('resets connections during an outage (the client sees a network error)', async () => {
    sandbox.setFaults({ outageUntil: now + 5_000 });
    await assert.rejects(api('GET', '/crm/v3/objects/contacts'), TypeError);
    const log = sandbox.requests({}).at(-1);
    assert.equal(log?.status, 0);
    now += 5_000;
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200);
  });

  it('applyBeforeFail commits the write and still answers 5xx', async () => {
    sandbox.setFaults({ failNext: { count: 1, status: 500 }, applyBeforeFail: true });
    const body = { properties: { email: 'lost@example.com' } };
    const lost = await api('POST', '/crm/v3/objects/contacts', body);
    assert.equal(lost.status, 500);
    assert.equal(sandbox.listObjects(portal.portalId, 'contacts').length, 1);
    const retry = await api('POST', '/crm/v3/objects/contacts', body);
    assert.equal(retry.status, 409);
  });

  it('rateLimitStorm answers every request with 429 TEN_SECONDLY_ROLLING', async () => {
    sandbox.setFaults({ rateLimitStorm: true });
    const r = await api('GET', '/crm/v3/objects/contacts');
    assert.equal(r.status, 429);
    assert.equal(r.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(r.headers.get('x-hubspot-ratelimit-remaining'), '0');
  });

  it('adds latency', async () => {
    sandbox.setFaults({ latencyMs: 60 });
    const t0 = performance.now();
    assert.equal((await api('GET', '/crm/v3/objects/contacts')).status, 200);
    assert.ok(performance.now() - t0 >= 55);
  });

  it('rejects an invalid fault configuration', async () => {
    const r = await api('PUT', '/_sandbox/faults', { errorRate: 2, nonsense: true }, null);
    assert.equal(r.status, 400);
    assert.deepEqual(sandbox.getFaults(), {});
  });

  it('models the search index delay', async () => {
    sandbox.setFaults({ searchIndexDelayMs: 5_000 });
    const created = await api('POST', '/crm/v3/objects/contacts', {
      properties: { phone: '+3902555' },
    });
    assert.equal((await search('+3902555')).body.total, 0);
    now += 5_000;
    assert.equal((await search('+3902555')).body.total, 1);
    const id = String(created.body.id);
    await api('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { phone: '+3902666' } });
    now += 1_100;
    assert.equal((await search('+3902666')).body.total, 0, 'the update is not indexed yet');
    assert.equal((await search('+3902555')).body.total, 1, 'search still sees the old value');
    now += 5_000;
    assert.equal((await search('+3902666')).body.total, 1);
    assert.equal((await search('+3902555')).body.total, 0);
  });
});
