// H1: the install flow against the sandbox's OAuth endpoints, tokens encrypted at rest, refresh
// before expiry and after a 401, uninstall, and the calling-widget registration from manifest.json.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hubspotRequest } from '../../sidecar/src/crm/hubspot-request.ts';
import { loadAppManifest } from '../../sidecar/src/app-manifest.ts';
import { registerCallingSettings } from '../../sidecar/src/crm/calling-registration.ts';
import { installPortal, signedRequest, startAppEnv, type AppEnv } from '../support/hubspot-app.ts';

let env: AppEnv;
// Access tokens live 200 s: inside the 5-minute refresh margin from the start.
before(async () => {
  env = await startAppEnv({ tag: 'oauth', accessTokenTtlSeconds: 200 });
});
after(async () => {
  await env.close();
});

const oauthOf = (e: AppEnv) => e.sidecar.hubspotApp.tokens.oauth!;

test('install: the authorize URL carries the manifest scopes, and the callback stores the portal', async () => {
  const portal = env.sandbox.createPortal();
  const res = await installPortal(env, portal.portalId);
  assert.equal(res.status, 200, res.body);
  assert.match(res.body, new RegExp(`account ${portal.portalId} is connected`));
  const manifest = loadAppManifest();
  assert.equal(res.authorizeUrl.origin + res.authorizeUrl.pathname, manifest.oauth.authorizeUrl);
  assert.deepEqual(
    res.authorizeUrl.searchParams.get('scope')?.split(' '),
    manifest.oauth.requiredScopes,
  );
  assert.equal(res.authorizeUrl.searchParams.get('client_id'), env.app.clientId);
  assert.equal(
    res.authorizeUrl.searchParams.get('redirect_uri'),
    `${env.publicUrl}/oauth/callback`,
  );

  // The stored token works against HubSpot for that portal.
  const client = await env.sidecar.hubspotApp.tokens.fresh!.freshAccessToken(
    String(portal.portalId),
  );
  assert.ok(client);
  const contacts = await fetch(`${env.running.url}/crm/v3/objects/contacts`, {
    headers: { authorization: `Bearer ${client}` },
  });
  assert.equal(contacts.status, 200);
});

test('tokens are encrypted at rest: the raw row holds neither token, and decrypts to both', async () => {
  const portal = env.sandbox.createPortal();
  assert.equal((await installPortal(env, portal.portalId)).status, 200);
  const refresh = [...env.sandbox.state.refreshTokens.values()].find(
    (r) => r.portalId === portal.portalId,
  )!;
  const stored = await oauthOf(env).store.load(String(portal.portalId));
  assert.ok(stored);
  assert.equal(stored.refreshToken, refresh.token);
  const rows: Record<string, unknown>[] = await env.sidecar.ds.query(
    'SELECT * FROM portal_installs WHERE portal_id = ?',
    [String(portal.portalId)],
  );
  assert.equal(rows.length, 1);
  const raw = JSON.stringify(rows[0]);
  assert.ok(!raw.includes(stored.accessToken), 'access token in clear');
  assert.ok(!raw.includes(stored.refreshToken), 'refresh token in clear');
  assert.ok(!raw.includes(refresh.token.slice(4, 20)), 'part of the refresh token in clear');
  assert.match(String(rows[0]!.access_token_enc), /^v1:/);
  // Same token encrypted twice gives different bytes (random IV).
  const cipher = oauthOf(env).cipher;
  assert.notEqual(cipher.encrypt('x', '1'), cipher.encrypt('x', '1'));
});

test('the state is bound to the browser, single use and checked', async () => {
  const portal = env.sandbox.createPortal();
  const first = await installPortal(env, portal.portalId);
  assert.equal(first.status, 200);
  // Replaying the same callback (same code, same state, same cookie): refused.
  const replay = await fetch(first.callbackUrl, { headers: { cookie: first.cookie } });
  assert.equal(replay.status, 400);
  assert.match(await replay.text(), /unknown-or-used/);

  // A callback without the browser's cookie (state leaked to another browser): refused.
  const start = await fetch(`${env.publicUrl}/oauth/install`, { redirect: 'manual' });
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const { redirectUrl } = env.sandbox.authorize({
    portalId: portal.portalId,
    clientId: env.app.clientId,
    redirectUri: `${env.publicUrl}/oauth/callback`,
    state,
  });
  const noCookie = await fetch(redirectUrl);
  assert.equal(noCookie.status, 400);
  assert.match(await noCookie.text(), /no-cookie/);
  // Another browser's cookie with this state: refused (signature binds cookie and state).
  const other = await fetch(`${env.publicUrl}/oauth/install`, { redirect: 'manual' });
  const otherCookie = other.headers.get('set-cookie')!.split(';')[0]!;
  const crossed = await fetch(redirectUrl, { headers: { cookie: otherCookie } });
  assert.equal(crossed.status, 400);
  assert.match(await crossed.text(), /mismatch/);
  // A forged cookie naming the state without the secret's signature: refused.
  const forged = await fetch(redirectUrl, {
    headers: { cookie: `centralino_oauth_state=${state}.AAAA` },
  });
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /bad-signature/);
});

test('a bad code is refused with HubSpot’s reason and stores nothing', async () => {
  const start = await fetch(`${env.publicUrl}/oauth/install`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const before = await oauthOf(env).store.loadAll();
  const res = await fetch(
    `${env.publicUrl}/oauth/callback?code=not-a-code&state=${encodeURIComponent(state)}`,
    { headers: { cookie } },
  );
  assert.equal(res.status, 400);
  assert.match(await res.text(), /BAD_AUTH_CODE/);
  assert.equal((await oauthOf(env).store.loadAll()).length, before.length);
});

test('refresh: a token inside the margin is refreshed; a 401 refreshes and retries once', async () => {
  const portal = env.sandbox.createPortal();
  assert.equal((await installPortal(env, portal.portalId)).status, 200);
  const id = String(portal.portalId);
  const installed = (await oauthOf(env).store.load(id))!.accessToken;
  const fresh = await env.sidecar.hubspotApp.tokens.fresh!.freshAccessToken(id);
  assert.ok(fresh);
  assert.notEqual(fresh, installed, 'a token expiring within 5 minutes is refreshed before use');
  assert.equal(
    (await oauthOf(env).store.load(id))!.accessToken,
    fresh,
    'the refreshed token is stored',
  );

  // A token HubSpot revoked early although it should live another hour: the request gets 401,
  // the token is refreshed once and the request retried.
  const longLived = {
    ...(await oauthOf(env).store.load(id))!,
    accessExpiresAt: Date.now() + 3_600_000,
  };
  await oauthOf(env).store.save(longLived);
  await oauthOf(env).tokens.reload();
  env.sandbox.state.tokens.delete(longLived.accessToken);
  env.sandbox.clearRequests();
  const res = await directPortals(env).withClient(id, (client) =>
    hubspotRequest<{ results: unknown[] }>(client, {
      method: 'GET',
      path: '/crm/v3/objects/contacts',
    }),
  );
  assert.equal(res?.status, 200);
  const statuses = env.sandbox
    .requests()
    .filter((r) => r.path === '/crm/v3/objects/contacts')
    .map((r) => r.status);
  assert.deepEqual(statuses, [401, 200]);
  const after = (await oauthOf(env).store.load(id))!.accessToken;
  assert.notEqual(after, longLived.accessToken);
});

test('uninstall: a signed request removes the portal’s tokens; an unsigned one does not', async () => {
  const portal = env.sandbox.createPortal();
  assert.equal((await installPortal(env, portal.portalId)).status, 200);
  const id = String(portal.portalId);
  const unsigned = await fetch(`${env.publicUrl}/oauth/uninstall`, {
    method: 'POST',
    body: JSON.stringify({ portalId: portal.portalId }),
  });
  assert.equal(unsigned.status, 401);
  assert.ok(await oauthOf(env).store.load(id));
  const res = await signedRequest(env.publicUrl, 'POST', '/oauth/uninstall', {
    portalId: portal.portalId,
  });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { portalId: id, removed: true });
  assert.equal(await oauthOf(env).store.load(id), undefined);
  assert.equal(directPortals(env).client(id), undefined);
});

test('a refresh token revoked in HubSpot (app uninstalled there) removes the portal on the next refresh', async () => {
  const portal = env.sandbox.createPortal();
  assert.equal((await installPortal(env, portal.portalId)).status, 200);
  const id = String(portal.portalId);
  const refresh = (await oauthOf(env).store.load(id))!.refreshToken;
  env.sandbox.state.refreshTokens.delete(refresh);
  await oauthOf(env).tokens.refreshDue();
  assert.equal(await oauthOf(env).store.load(id), undefined);
});

test('the calling widget is registered from manifest.json with the developer key (create, then update)', async () => {
  const manifest = loadAppManifest();
  const reg = {
    apiBaseUrl: env.running.url,
    appId: String(env.app.appId),
    developerApiKey: env.app.developerApiKey,
    publicUrl: 'https://pbx.example.com',
  };
  const created = await registerCallingSettings(manifest, reg);
  assert.equal(created.outcome, 'created');
  const get = await fetch(
    `${env.running.url}/crm/v3/extensions/calling/${env.app.appId}/settings?hapikey=${env.app.developerApiKey}`,
  );
  const settings = (await get.json()) as Record<string, unknown>;
  assert.equal(settings.url, 'https://pbx.example.com/widget/');
  assert.equal(settings.name, manifest.callingWidget!.name);
  assert.equal(settings.supportsInboundCalling, manifest.callingWidget!.supportsInboundCalling);
  const again = await registerCallingSettings(manifest, reg);
  assert.equal(again.outcome, 'updated');
  await assert.rejects(
    registerCallingSettings(manifest, { ...reg, developerApiKey: 'wrong' }),
    /refused \(401\)/,
  );
});

function directPortals(e: AppEnv) {
  return e.sidecar.hubspotApp.portals;
}

/** The manifest's properties as the sandbox holds them in a portal: "objectType.name@group". */
function centralinoProperties(portalId: number): string[] {
  const portal = env.sandbox.state.portal(portalId)!;
  return [...portal.customProperties.entries()]
    .flatMap(([type, defs]) => defs.map((d) => `${type}.${d.name}@${d.groupName}`))
    .filter((p) => p.includes('centralino_'))
    .sort();
}

test('install creates the manifest CRM properties in their group once; a second install duplicates nothing', async () => {
  const portal = env.sandbox.createPortal();
  const first = await installPortal(env, portal.portalId);
  assert.equal(first.status, 200, first.body);
  const expected = Object.entries(loadAppManifest().crmProperties)
    .flatMap(([type, props]) => (props ?? []).map((p) => `${type}.${p.name}@centralino`))
    .sort();
  assert.ok(expected.includes('deals.centralino_support_status@centralino'));
  assert.deepEqual(centralinoProperties(portal.portalId), expected);
  const support = env.sandbox.state
    .portal(portal.portalId)!
    .customProperties.get('companies')!
    .find((d) => d.name === 'centralino_support_status')!;
  assert.equal(support.type, 'enumeration');
  assert.deepEqual(
    support.options?.map((o) => o.value),
    ['paid', 'unpaid', 'expired', 'not_renewed', 'pending_authorization'],
  );
  const groups = env.sandbox.state.portal(portal.portalId)!.propertyGroups;
  assert.deepEqual(
    groups.get('contacts')?.map((g) => g.name),
    ['centralino'],
  );

  const second = await installPortal(env, portal.portalId);
  assert.equal(second.status, 200, second.body);
  assert.deepEqual(centralinoProperties(portal.portalId), expected, 'nothing duplicated');
  assert.deepEqual(
    groups.get('contacts')?.map((g) => g.name),
    ['centralino'],
  );
});

test('a property HubSpot refuses at install is reported on the install page, not dropped', async () => {
  const portal = env.sandbox.createPortal();
  env.sandbox.faults.set({
    failNext: { count: 1, status: 503 },
    pathPrefix: '/crm/v3/properties/deals',
  });
  try {
    const res = await installPortal(env, portal.portalId);
    assert.equal(res.status, 502, res.body);
    assert.match(res.body, /setup incomplete/);
    assert.match(res.body, /deals\.group:centralino \(HubSpot 503/);
    assert.match(res.body, /deals\.centralino_support_status \(no group\)/);
    assert.match(res.body, /Install again to retry/);
    // The rest was created, and the account is connected (tokens kept) so a reinstall retries.
    assert.ok(
      centralinoProperties(portal.portalId).includes(
        'contacts.centralino_support_status@centralino',
      ),
    );
    assert.ok(!centralinoProperties(portal.portalId).some((p) => p.startsWith('deals.')));
    assert.ok(await oauthOf(env).store.load(String(portal.portalId)));
  } finally {
    env.sandbox.faults.clear();
  }
  const retry = await installPortal(env, portal.portalId);
  assert.equal(retry.status, 200, retry.body);
  assert.ok(
    centralinoProperties(portal.portalId).includes('deals.centralino_support_status@centralino'),
  );
});
