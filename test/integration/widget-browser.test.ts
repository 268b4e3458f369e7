// The calling widget end to end, in headless Chromium: a host page plays HubSpot's side of the
// Calling Extensions SDK and embeds the widget (served by the real sidecar) in an iframe; the
// calls are real, through the test Asterisk; the CRM is the HubSpot sandbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { placeCall } from '../../asterisk/caller.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { WidgetCallEntity } from '../../sidecar/src/widget/widget-call-entity.ts';
import { ari } from '../support/env.ts';
import { InMemoryAgentPresence } from '../support/in-memory-presence.ts';
import { startTestSidecar, waitFor, type TestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { openHubSpotCallingPage, type HubSpotHost } from '../support/hubspot-host.ts';
import { agentToken, WIDGET_SECRET } from '../support/widget.ts';

const AGENT = 'agent7';
let hubspot: TestHubSpot;
let sidecar: TestSidecar;
let browser: Browser;
let page: Page;
let host: HubSpotHost;
let widget: FrameLocator;
let customer: { id: string };
let caller: { id: string };
let portal: string;

async function crm(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${hubspot.running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${hubspot.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`HubSpot ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  hubspot = await startTestHubSpot();
  portal = String(hubspot.portalId);
  customer = hubspot.sandbox.seedObject(hubspot.portalId, 'contacts', {
    properties: { firstname: 'Marco', lastname: 'Neri', phone: '055 5550001' },
  });
  caller = hubspot.sandbox.seedObject(hubspot.portalId, 'contacts', {
    properties: { firstname: 'Lucia', lastname: 'Bianchi', phone: '0577 999002' },
  });
  sidecar = await startTestSidecar(
    {
      ...hubspot.env,
      WIDGET_SESSION_SECRET: WIDGET_SECRET,
      WIDGET_AGENT_DIAL: 'Local/answer@test-callee',
      WIDGET_CUSTOMER_DIAL: 'Local/{digits}@test-customer',
      WIDGET_CALLER_ID: '+390577235500',
      WIDGET_RING_TIMEOUT_S: '10',
      WIDGET_FRAME_ANCESTORS: new URL(hubspot.running.url).origin,
    },
    'widgetui',
    // The widget's own behaviour against the AgentPresence port; the ACD's presence behind the
    // same port is exercised in widget-acd.test.ts.
    { agentPresence: new InMemoryAgentPresence() },
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  page = await browser.newPage();
  // The sandbox's calling page plays HubSpot: it creates the engagement through the API when
  // the widget asks (createEngagement) and applies callCompleted's properties to it.
  host = await openHubSpotCallingPage(page, {
    sandboxUrl: hubspot.running.url,
    portalId: hubspot.portalId,
    widgetUrl: `${sidecar.url}/widget/#token=${agentToken(portal, AGENT)}`,
  });
  widget = page.frameLocator('#hubspot-calling-extension-iframe');
});

after(async () => {
  await browser?.close();
  await sidecar?.shutdown();
  await hubspot?.running.close();
});

test('the widget syncs with HubSpot and login/availability follow AgentPresence both ways', async () => {
  await host.next('SYNC_ACK');
  const init = await host.next('INITIALIZED');
  assert.equal(init.data?.isLoggedIn, false);

  await widget.locator('#btn-login').click();
  await host.next('LOGGED_IN');
  await host.next('USER_AVAILABLE');
  assert.equal((await sidecar.widget.presence.get(portal, AGENT))?.state, 'available');

  // Paused by the ACD side (phone feature code, missed call…): the widget and HubSpot follow.
  await sidecar.widget.presence.pause(portal, AGENT, 'coffee');
  await host.next('USER_UNAVAILABLE');
  await widget.locator('#status', { hasText: 'paused (coffee)' }).waitFor();
  const mark = host.received.length;
  await widget.locator('#btn-available').click();
  await host.next('USER_AVAILABLE', undefined, { since: mark });
  assert.equal((await sidecar.widget.presence.get(portal, AGENT))?.state, 'available');
  await widget.locator('#status', { hasText: 'available' }).waitFor();
});

test('click-to-call: dialNumber → agent and customer legs bridged → hang up → callCompleted, one engagement', async () => {
  const t0 = Date.now();
  // The user clicks "Call" on Marco's record (the page sends DIAL_NUMBER with his id).
  await page.locator(`button[data-id="${customer.id}"]`).click();
  const started = await host.next('OUTGOING_CALL_STARTED');
  const callId = String(started.data?.externalCallId);
  assert.equal(started.data?.createEngagement, true);
  assert.equal(started.data?.toNumber, '+390555550001');
  await host.next('CALL_ANSWERED', (m) => m.data?.externalCallId === callId);

  const bridge = (await sidecar.telephony.client().bridges.list()).find(
    (b) => b.name === `widget-${callId}`,
  );
  assert.ok(bridge, 'agent and customer are bridged');
  assert.equal(bridge.channels.length, 2);
  await widget.locator('#call-state', { hasText: 'connected' }).waitFor();

  await widget.locator('#btn-hangup').click();
  const ended = await host.next('CALL_ENDED', (m) => m.data?.externalCallId === callId);
  assert.equal(ended.data?.callEndStatus, 'COMPLETED');
  const engagementId = Number(ended.data?.engagementId);
  assert.ok(engagementId > 0, 'callEnded carries the engagement HubSpot created');

  const dispositions = (await crm('GET', '/calling/v1/dispositions', undefined)) as unknown;
  const connected = (dispositions as { id: string; label: string }[]).find(
    (d) => d.label === 'Connected',
  )!;
  await widget.locator('#disposition').selectOption({ label: 'Connected' });
  await widget.locator('#notes').fill('Wants a quote for the boiler');
  await widget.locator('#btn-save').click();
  const completed = await host.next('CALL_COMPLETED', (m) => m.data?.externalCallId === callId);
  assert.equal(completed.data?.engagementId, engagementId);
  const props = completed.data?.engagementProperties as Record<string, unknown>;
  assert.equal(props.hs_call_disposition, connected.id);
  assert.equal(props.hs_call_status, 'COMPLETED');
  assert.equal(props.hs_call_body, 'Wants a quote for the boiler');
  assert.ok(Number(props.hs_call_duration) >= 0);
  await widget.locator('#message', { hasText: 'Call saved in HubSpot' }).waitFor();

  // The sidecar's own write for this call is a PATCH of that engagement (final status, talk
  // time), never a second Call.
  const outbox = sidecar.ds.getRepository(OutboxEntity);
  await waitFor(
    async () =>
      (await outbox.findOneBy({ dedupeKey: `call-engagement:${callId}` }))?.remoteId ===
      String(engagementId),
    10_000,
    'the engagement facts to reach HubSpot',
  );
  // Exactly one engagement in the CRM — HubSpot's — with the disposition, on the contact.
  const calls = hubspot.sandbox.listObjects(hubspot.portalId, 'calls');
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.id, String(engagementId));
  assert.equal(calls[0]!.properties.hs_call_disposition, connected.id);
  assert.equal(calls[0]!.properties.hs_call_status, 'COMPLETED');
  assert.deepEqual(
    calls[0]!.associations.contacts?.map((a) => a.id),
    [customer.id],
  );
  // The sidecar knows the engagement and the disposition, and queued nothing for this call.
  const row = await sidecar.ds.getRepository(WidgetCallEntity).findOneBy({ id: callId });
  assert.equal(row?.engagementId, String(engagementId));
  assert.equal(row?.disposition, connected.id);
  assert.equal(
    await sidecar.ds.getRepository(OutboxEntity).countBy({ dedupeKey: `call:${callId}` }),
    0,
  );
  console.log(`# click-to-call round trip in the browser: ${Date.now() - t0} ms`);
});

test('an inbound call from a known caller → incomingCall and navigation to the contact', async () => {
  const logged = sidecar.nextCalls(1);
  await placeCall(ari, {
    from: '+390577999002',
    to: '0577235501',
    app: sidecar.app,
    holdSeconds: 5,
  });
  const incoming = await host.next('INCOMING_CALL');
  assert.equal(incoming.data?.fromNumber, '+390577999002');
  assert.equal(incoming.data?.createEngagement, false, 'the sidecar logs inbound calls');
  const nav = await host.next('NAVIGATE_TO_RECORD');
  const coords = nav.data?.objectCoordinates as Record<string, unknown>;
  assert.deepEqual(coords, {
    portalId: hubspot.portalId,
    objectId: Number(caller.id),
    objectTypeId: '0-1',
  });
  await widget.locator('#call-contact', { hasText: 'Lucia Bianchi' }).waitFor();
  const externalCallId = incoming.data?.externalCallId;
  await host.next('CALL_ENDED', (m) => m.data?.externalCallId === externalCallId);

  // Written once, by the sidecar's outbox, on Lucia's record.
  const [finished] = await logged;
  const outbox = sidecar.ds.getRepository(OutboxEntity);
  await waitFor(
    async () => (await outbox.findOneBy({ dedupeKey: `call:${finished!.id}` }))?.state === 'sent',
    10_000,
    'the inbound call in the CRM',
  );
  const inbound = hubspot.sandbox
    .listObjects(hubspot.portalId, 'calls')
    .filter((c) => c.associations.contacts?.some((a) => a.id === caller.id));
  assert.equal(inbound.length, 1);
  assert.equal(inbound[0]!.properties.centralino_call_id, finished!.id);
  assert.equal(hubspot.sandbox.listObjects(hubspot.portalId, 'calls').length, 2);
});

test('an agent without a token signs in by pasting the link; an expired link is refused', async () => {
  const standalone = await browser.newPage();
  try {
    await standalone.goto(`${sidecar.url}/widget/`);
    await standalone.locator('#signin').waitFor();
    await standalone
      .locator('#token-input')
      .fill(`${sidecar.url}/widget/#token=${agentToken(portal, 'agent-expired', -1000)}`);
    await standalone.locator('#btn-signin').click();
    await standalone.locator('#signin-error', { hasText: 'no longer valid' }).waitFor();
    await standalone
      .locator('#token-input')
      .fill(`${sidecar.url}/widget/#token=${agentToken(portal, 'agent8')}`);
    await standalone.locator('#btn-signin').click();
    await standalone.locator('#agent-id', { hasText: 'agent8' }).waitFor();
    assert.equal(await standalone.locator('#signin').isHidden(), true);
    // The token is kept for the next visit, and never left in the address bar.
    await standalone.reload();
    await standalone.locator('#agent-id', { hasText: 'agent8' }).waitFor();
    assert.equal(standalone.url().includes('token='), false);
  } finally {
    await standalone.close();
  }
});
