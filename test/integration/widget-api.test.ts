// The calling widget's API against real Asterisk, a real database and the HubSpot sandbox:
// signed agent sessions scoped by portal and agent, presence in both directions, click-to-call
// (agent leg, customer leg, bridge, hang-up, busy), inbound notification with the caller's
// contact, and who owns the engagement (never logged twice).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OutboxEntity, CallRecordEntity } from '../../sidecar/src/store/entities.ts';
import { InMemoryAgentPresence } from '../support/in-memory-presence.ts';
import { startTestSidecar, waitFor, type TestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { placeCall } from '../../asterisk/caller.ts';
import { ari } from '../support/env.ts';
import { agentToken, callIn, openEvents, WIDGET_SECRET, widgetApi } from '../support/widget.ts';

let hubspot: TestHubSpot;
let sidecar: TestSidecar;
let portal: string;

before(async () => {
  hubspot = await startTestHubSpot();
  portal = String(hubspot.portalId);
  sidecar = await startTestSidecar(
    {
      ...hubspot.env,
      WIDGET_SESSION_SECRET: WIDGET_SECRET,
      WIDGET_AGENT_DIAL: 'Local/{agent}@test-agent',
      WIDGET_CUSTOMER_DIAL: 'Local/{digits}@test-customer',
      WIDGET_CALLER_ID: '+390577235500',
      WIDGET_RING_TIMEOUT_S: '5',
    },
    'widget',
    // The widget's own behaviour against the AgentPresence port; the ACD's presence behind the
    // same port is exercised in widget-acd.test.ts.
    { agentPresence: new InMemoryAgentPresence() },
  );
});

after(async () => {
  await sidecar.shutdown();
  await hubspot.running.close();
});

test('the page and its bundled SDK script are served, framable by HubSpot only', async () => {
  const page = await fetch(`${sidecar.url}/widget/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/widget\/app.js">/);
  assert.match(
    page.headers.get('content-security-policy') ?? '',
    /frame-ancestors https:\/\/\*\.hubspot\.com https:\/\/\*\.hubspotqa\.com$/,
  );
  const script = await fetch(`${sidecar.url}/widget/app.js`);
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  const code = await script.text();
  // The SDK is inside our bundle (no CDN): its protocol constants are there.
  assert.match(code, /SYNC_ACK/);
  assert.match(code, /OUTGOING_CALL_STARTED/);
});

test('the API refuses missing, tampered and expired tokens and another agent’s calls', async () => {
  assert.equal((await widgetApi(sidecar.url, null, 'GET', '/me')).status, 401);
  const good = agentToken(portal, 'anna');
  const tampered = good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal((await widgetApi(sidecar.url, tampered, 'GET', '/me')).status, 401);
  const expired = agentToken(portal, 'anna', -1000);
  const res = await widgetApi(sidecar.url, expired, 'GET', '/me');
  assert.equal(res.status, 401);
  assert.match(JSON.stringify(res.body), /expired/);
  const me = await widgetApi(sidecar.url, good, 'GET', '/me');
  assert.equal(me.status, 200);
  assert.deepEqual([me.body.portalId, me.body.agentId], [portal, 'anna']);
  const garbled = await fetch(`${sidecar.url}/widget/api/presence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' },
    body: '{"action": ',
  });
  assert.equal(garbled.status, 400);
  assert.match(await garbled.text(), /not valid JSON/);
  // Logged off: no calls.
  const refused = await widgetApi(sidecar.url, good, 'POST', '/calls', {
    toNumber: '+390555550001',
  });
  assert.equal(refused.status, 409);
  assert.equal(
    (await widgetApi(sidecar.url, good, 'POST', '/presence', { action: 'dance' })).status,
    400,
  );
});

test('presence changed in the widget shows in AgentPresence, and the other way round', async () => {
  const token = agentToken(portal, 'bruno');
  const events = await openEvents(sidecar.url, token);
  try {
    const login = await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
    assert.equal((login.body.status as { state: string }).state, 'available');
    assert.equal((await sidecar.widget.presence.get(portal, 'bruno'))?.state, 'available');
    // The ACD side pauses the agent (e.g. no answer): the widget hears it.
    await sidecar.widget.presence.pause(portal, 'bruno', 'no answer');
    const ev = await events.next<{ status: { state: string; pauseReason: string } }>(
      (e) => e.type === 'presence' && (e.status as { state: string }).state === 'paused',
      'paused',
    );
    assert.equal(ev.status.pauseReason, 'no answer');
    // Another agent's change is not sent to this agent.
    await sidecar.widget.presence.login(portal, 'someone-else');
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'unpause' });
    await events.next(
      (e) => e.type === 'presence' && (e.status as { state: string }).state === 'available',
      'available again',
    );
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
    assert.equal((await sidecar.widget.presence.get(portal, 'bruno'))?.state, 'logged-off');
  } finally {
    events.close();
  }
});

test('click-to-call rings the agent, then the customer, bridges them; hang-up ends both; no outbox row', async () => {
  const token = agentToken(portal, 'carla');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const events = await openEvents(sidecar.url, token);
  try {
    const started = await widgetApi(sidecar.url, token, 'POST', '/calls', {
      toNumber: '055 555 0001',
      contactId: '1234',
    });
    assert.equal(started.status, 201);
    const call = started.body.call as { callId: string; engagementOwner: string; toNumber: string };
    assert.equal(call.engagementOwner, 'hubspot');
    assert.equal(call.toNumber, '+390555550001');
    await events.next(callIn(call.callId, 'customer-ringing'), 'customer ringing');
    await events.next(callIn(call.callId, 'connected'), 'connected');

    // A widget that reloads mid-call is told about the call in progress.
    const reloaded = await openEvents(sidecar.url, token);
    await reloaded.next(callIn(call.callId, 'connected'), 'the open call on a new stream', 2000);
    reloaded.close();

    const bridges = await sidecar.telephony.client().bridges.list();
    const ours = bridges.find((b) => b.name === `widget-${call.callId}`);
    assert.ok(ours, 'a bridge for the call');
    assert.equal(ours.channels.length, 2);
    assert.equal(sidecar.telephony.status().activeCalls, 2);

    // Another agent cannot touch it.
    const other = agentToken(portal, 'dario');
    assert.equal(
      (await widgetApi(sidecar.url, other, 'POST', `/calls/${call.callId}/hangup`)).status,
      404,
    );

    const hung = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/hangup`);
    assert.equal(hung.body.hungUp, true);
    const ended = await events.next<{ call: { endStatus: string; answeredAt: number } }>(
      callIn(call.callId, 'ended'),
      'ended',
    );
    assert.equal(ended.call.endStatus, 'COMPLETED');
    assert.ok(ended.call.answeredAt > 0);
    await sidecar.telephony.idle();
    assert.equal(
      (await sidecar.telephony.client().bridges.list()).some((b) => b.id === ours.id),
      false,
    );

    // HubSpot created the engagement (outgoingCall createEngagement: true) — here as HubSpot
    // would, with its first status — and the widget tells us its id; it never sends
    // callCompleted (the agent closed the tab).
    const created = await fetch(`${hubspot.running.url}/crm/v3/objects/calls`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${hubspot.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        properties: { hs_timestamp: String(Date.now()), hs_call_status: 'CONNECTING' },
      }),
    });
    const engagementId = ((await created.json()) as { id: string }).id;
    const bad = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/engagement`, {
      engagementId: 'x',
    });
    assert.equal(bad.status, 400);
    const attached = await widgetApi(
      sidecar.url,
      token,
      'POST',
      `/calls/${call.callId}/engagement`,
      { engagementId: Number(engagementId) },
    );
    assert.equal(attached.status, 200);
    const again = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/engagement`, {
      engagementId,
    });
    assert.equal(again.status, 200, 'the same id again is harmless');
    const twice = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/engagement`, {
      engagementId: 11111,
    });
    assert.equal(twice.status, 409);

    const wrong = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/disposition`, {
      disposition: 'nope',
    });
    assert.equal(wrong.status, 400);
    const dispositions = await widgetApi(sidecar.url, token, 'GET', '/dispositions');
    const first = (dispositions.body.dispositions as { id: string }[])[0]!;
    const saved = await widgetApi(sidecar.url, token, 'POST', `/calls/${call.callId}/disposition`, {
      disposition: first.id,
    });
    assert.equal(saved.body.disposition, first.id);

    // The sidecar puts the telephony facts on HubSpot's engagement (no ghost call)…
    const outbox = sidecar.ds.getRepository(OutboxEntity);
    await waitFor(
      async () =>
        (await outbox.findOneBy({ dedupeKey: `call-engagement:${call.callId}` }))?.state === 'sent',
      10_000,
      'the engagement facts to reach HubSpot',
    );
    const engagement = hubspot.sandbox
      .listObjects(hubspot.portalId, 'calls')
      .find((c) => c.id === engagementId);
    assert.equal(engagement?.properties.hs_call_status, 'COMPLETED');
    assert.ok(Number(engagement?.properties.hs_call_duration) > 0);
    assert.equal(engagement?.properties.hs_call_to_number, '+390555550001');
    assert.equal(await outbox.countBy({ kind: 'call-engagement' }), 1);
    // …and it is in our log, and the sidecar queued no Call of its own: HubSpot owns it.
    const record = await sidecar.ds.getRepository(CallRecordEntity).findOneBy({ id: call.callId });
    assert.equal(record?.outcome, 'COMPLETED');
    assert.equal(record?.direction, 'OUTBOUND');
    assert.equal(
      await sidecar.ds.getRepository(OutboxEntity).countBy({ dedupeKey: `call:${call.callId}` }),
      0,
    );
  } finally {
    events.close();
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  }
});

test('a busy customer ends the call as BUSY and drops the agent leg', async () => {
  const token = agentToken(portal, 'elena');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const events = await openEvents(sidecar.url, token);
  try {
    const started = await widgetApi(sidecar.url, token, 'POST', '/calls', {
      toNumber: '+390555550486',
    });
    const callId = (started.body.call as { callId: string }).callId;
    const ended = await events.next<{ call: { endStatus: string; answeredAt: number | null } }>(
      callIn(callId, 'ended'),
      'ended',
    );
    assert.equal(ended.call.endStatus, 'BUSY');
    assert.equal(ended.call.answeredAt, null);
    await sidecar.telephony.idle();
    const record = await sidecar.ds.getRepository(CallRecordEntity).findOneBy({ id: callId });
    assert.equal(record?.outcome, 'BUSY');
  } finally {
    events.close();
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  }
});

test('a customer who does not answer ends the call as NO_ANSWER', async () => {
  const token = agentToken(portal, 'ivo');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const events = await openEvents(sidecar.url, token);
  try {
    const started = await widgetApi(sidecar.url, token, 'POST', '/calls', {
      toNumber: '+390555550404',
    });
    const callId = (started.body.call as { callId: string }).callId;
    const ended = await events.next<{ call: { endStatus: string } }>(
      callIn(callId, 'ended'),
      'ended',
      15_000,
    );
    assert.equal(ended.call.endStatus, 'NO_ANSWER');
    await sidecar.telephony.idle();
    assert.equal(sidecar.telephony.status().activeCalls, 0);
  } finally {
    events.close();
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  }
});

test('hang up while the agent’s phone still rings cancels the call at once', async () => {
  const token = agentToken(portal, 'ringing');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const events = await openEvents(sidecar.url, token);
  try {
    const started = await widgetApi(sidecar.url, token, 'POST', '/calls', {
      toNumber: '+390555550001',
    });
    const callId = (started.body.call as { callId: string }).callId;
    await events.next(callIn(callId, 'agent-ringing'), 'agent ringing');
    const t0 = Date.now();
    await widgetApi(sidecar.url, token, 'POST', `/calls/${callId}/hangup`);
    const ended = await events.next<{ call: { endStatus: string } }>(
      callIn(callId, 'ended'),
      'ended',
    );
    assert.equal(ended.call.endStatus, 'CANCELED');
    assert.ok(Date.now() - t0 < 3000, 'not after the 5 s ring timeout');
    await sidecar.telephony.idle();
  } finally {
    events.close();
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  }
});

test('the agent hanging up while the customer rings stops the customer’s phone', async () => {
  const token = agentToken(portal, 'brief');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const events = await openEvents(sidecar.url, token);
  try {
    const t0 = Date.now();
    const started = await widgetApi(sidecar.url, token, 'POST', '/calls', {
      toNumber: '+390555550404', // never answers; rings for WIDGET_RING_TIMEOUT_S (5 s)
    });
    const callId = (started.body.call as { callId: string }).callId;
    await events.next(callIn(callId, 'customer-ringing'), 'customer ringing');
    const ended = await events.next<{ call: { endStatus: string } }>(
      callIn(callId, 'ended'),
      'ended',
    );
    assert.equal(ended.call.endStatus, 'CANCELED');
    assert.ok(Date.now() - t0 < 4000, 'the customer leg did not ring to its timeout');
    await sidecar.telephony.idle();
  } finally {
    events.close();
    await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  }
});

test('an inbound call notifies available agents with the matched contact; the sidecar owns it', async () => {
  const contact = hubspot.sandbox.seedObject(hubspot.portalId, 'contacts', {
    properties: { firstname: 'Giulia', lastname: 'Verdi', phone: '+390577999001' },
  });
  const available = agentToken(portal, 'franco');
  const paused = agentToken(portal, 'gina');
  await widgetApi(sidecar.url, available, 'POST', '/presence', { action: 'login' });
  await widgetApi(sidecar.url, paused, 'POST', '/presence', { action: 'pause' });
  const eventsA = await openEvents(sidecar.url, available);
  const eventsP = await openEvents(sidecar.url, paused);
  try {
    const logged = sidecar.nextCalls(1);
    await placeCall(ari, {
      from: '+390577999001',
      to: '0577235501',
      app: sidecar.app,
      holdSeconds: 5,
    });
    const ringing = await eventsA.next<{
      call: {
        callId: string;
        direction: string;
        engagementOwner: string;
        contact: { id: string; firstname: string };
      };
    }>(
      (e) => e.type === 'call' && (e.call as { state: string }).state === 'ringing',
      'incoming call',
    );
    assert.equal(ringing.call.direction, 'INBOUND');
    assert.equal(ringing.call.engagementOwner, 'sidecar');
    assert.equal(ringing.call.contact.id, String(contact.id));
    assert.equal(ringing.call.contact.firstname, 'Giulia');
    // The widget may not create an engagement for a call the sidecar logs.
    const refused = await widgetApi(
      sidecar.url,
      available,
      'POST',
      `/calls/${ringing.call.callId}/engagement`,
      { engagementId: 5 },
    );
    assert.equal(refused.status, 409);
    await eventsA.next(callIn(ringing.call.callId, 'ended'), 'inbound ended');
    const [finished] = await logged;
    // The paused agent was not notified.
    await assert.rejects(eventsP.next((e) => e.type === 'call', 'none', 300));
    // Exactly one engagement, written by the sidecar's outbox.
    const outbox = sidecar.ds.getRepository(OutboxEntity);
    await waitFor(
      async () => (await outbox.findOneBy({ dedupeKey: `call:${finished!.id}` }))?.state === 'sent',
      10_000,
      'the inbound call to be written to the CRM',
    );
    const calls = hubspot.sandbox
      .listObjects(hubspot.portalId, 'calls')
      .filter((c) => c.properties.centralino_call_id === finished!.id);
    assert.equal(calls.length, 1);
  } finally {
    eventsA.close();
    eventsP.close();
  }
});

test('an agent id that would change the dial string is refused before dialling', async () => {
  const token = agentToken(portal, 'x@trunk');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' });
  const res = await widgetApi(sidecar.url, token, 'POST', '/calls', { toNumber: '+390555550001' });
  assert.equal(res.status, 400);
  assert.equal(sidecar.telephony.status().activeCalls, 0);
});

// Last: shuts the sidecar down (after() does it again, harmlessly).
test('shutdown ends open widget event streams instead of waiting for them', async () => {
  const token = agentToken(portal, 'zeno');
  const res = await fetch(`${sidecar.url}/widget/api/events`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const reader = res.body!.getReader();
  await reader.read(); // the first presence event: the stream is open
  const t0 = Date.now();
  await sidecar.shutdown();
  assert.ok(Date.now() - t0 < 3000, 'no wait for kept-alive widget connections');
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
});
