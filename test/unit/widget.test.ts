// Pure parts of the calling widget: agent session tokens, engagement ownership, end statuses,
// dial strings, and the calling-settings payload built from manifest.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  InvalidSessionError,
  issueAgentToken,
  verifyAgentToken,
} from '../../sidecar/src/widget/agent-session.ts';
import { callingSettingsPayload } from '../../sidecar/src/widget/calling-settings.ts';
import { dialString } from '../../sidecar/src/widget/click-to-call.ts';
import {
  endStatusForOriginateFailure,
  engagementOwnerFor,
  sidecarWritesEngagement,
} from '../../sidecar/src/widget/engagement-ownership.ts';
import { InMemoryAgentPresence } from '../support/in-memory-presence.ts';

const SECRET = 'unit-secret-unit-secret-unit-secret-00';

test('agent tokens verify, and carry portal, agent and expiry', () => {
  const token = issueAgentToken(SECRET, { portalId: '4242', agentId: 'anna.b', expiresAt: 2000 });
  assert.deepEqual(verifyAgentToken(SECRET, token, 1999), {
    portalId: '4242',
    agentId: 'anna.b',
    expiresAt: 2000,
  });
});

test('agent tokens are refused when expired, tampered, re-signed with another key or malformed', () => {
  const token = issueAgentToken(SECRET, { portalId: '4242', agentId: 'anna', expiresAt: 2000 });
  assert.throws(() => verifyAgentToken(SECRET, token, 2000), /expired/);
  const [v, , a, e, sig] = token.split('.');
  const otherPortal = [v, Buffer.from('9999').toString('base64url'), a, e, sig].join('.');
  assert.throws(() => verifyAgentToken(SECRET, otherPortal, 0), /bad signature/);
  const longer = [v, token.split('.')[1], a, '9999999999999', sig].join('.');
  assert.throws(() => verifyAgentToken(SECRET, longer, 0), /bad signature/);
  assert.throws(
    () => verifyAgentToken('another-secret-another-secret-xx', token, 0),
    InvalidSessionError,
  );
  assert.throws(() => verifyAgentToken(SECRET, 'garbage', 0), /malformed/);
  // Every other spelling of the signature is refused — also flipping the lowest bit of the last
  // character, which base64 decoding would ignore (it only carries spare bits).
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (const at of [0, sig!.length - 1]) {
    const flipped = ALPHABET[ALPHABET.indexOf(sig![at]!) ^ 1]!;
    const other = sig!.slice(0, at) + flipped + sig!.slice(at + 1);
    assert.throws(
      () => verifyAgentToken(SECRET, [v, token.split('.')[1], a, e, other].join('.'), 0),
      /bad signature/,
    );
  }
  assert.throws(() => issueAgentToken(SECRET, { portalId: '4242', agentId: 'a/b', expiresAt: 1 }));
});

test('click-to-call engagements belong to HubSpot, every other call to the sidecar', () => {
  assert.equal(engagementOwnerFor('click-to-call'), 'hubspot');
  assert.equal(engagementOwnerFor('inbound'), 'sidecar');
  assert.equal(sidecarWritesEngagement(engagementOwnerFor('click-to-call')), false);
  assert.equal(sidecarWritesEngagement(engagementOwnerFor('inbound')), true);
});

test('originate failures map to the SDK end statuses', () => {
  assert.equal(endStatusForOriginateFailure('BUSY (Unknown)'), 'BUSY');
  assert.equal(endStatusForOriginateFailure('User busy'), 'BUSY');
  assert.equal(endStatusForOriginateFailure('NOANSWER (No answer)'), 'NO_ANSWER');
  assert.equal(endStatusForOriginateFailure('No user responding'), 'NO_ANSWER');
  assert.equal(endStatusForOriginateFailure('CONGESTION (Unknown)'), 'FAILED');
  assert.equal(endStatusForOriginateFailure('Unknown'), 'FAILED');
});

test('dial strings substitute the agent, the E.164 number and its digits', () => {
  assert.equal(dialString('PJSIP/{agent}', { agent: '101' }), 'PJSIP/101');
  assert.equal(
    dialString('PJSIP/{number}@trunk', { number: '+390577111222' }),
    'PJSIP/+390577111222@trunk',
  );
  assert.equal(
    dialString('Local/{digits}@test-customer', { number: '+390577111222' }),
    'Local/390577111222@test-customer',
  );
});

test('the calling-settings payload comes from manifest.json', () => {
  const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as { callingWidget: unknown };
  const payload = callingSettingsPayload(manifest, 'https://pbx.example.com/base/');
  assert.equal(payload.url, 'https://pbx.example.com/widget/');
  assert.equal(payload.name, 'Centralino');
  assert.equal(payload.supportsInboundCalling, true);
  assert.equal('path' in payload, false);
  assert.throws(
    () => callingSettingsPayload({ callingWidget: { name: 'x' } }, 'https://a.example'),
    /callingWidget: path/,
  );
  assert.throws(() => callingSettingsPayload({}, 'https://a.example'), /callingWidget/);
});

test('in-memory presence: states, pause reason, listeners per change', async () => {
  const p = new InMemoryAgentPresence();
  const seen: string[] = [];
  const off = p.onChange((portal, s) => seen.push(`${portal}:${s.agentId}:${s.state}`));
  assert.equal(await p.get('1', 'a'), null);
  await p.login('1', 'a');
  assert.equal((await p.pause('1', 'a', 'lunch')).pauseReason, 'lunch');
  assert.equal((await p.unpause('1', 'a')).pauseReason, undefined);
  await p.logoff('1', 'a');
  off();
  await p.login('1', 'a');
  assert.deepEqual(seen, ['1:a:available', '1:a:paused', '1:a:available', '1:a:logged-off']);
  assert.equal((await p.get('2', 'a')) ?? 'none', 'none');
});
