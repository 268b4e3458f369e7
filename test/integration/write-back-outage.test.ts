// A two-minute HubSpot outage during write-back: every request in it really fails (the sandbox
// resets the connection), rows keep coming, and afterwards every row is in HubSpot exactly once.
// Time runs 20× faster for the sidecar and the sandbox alike (one controllable clock), so the
// two minutes, the backoff and the rate windows all keep their proportions in 6 s of real time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import type {
  ActionCallbackOutboxPayload,
  PropertyUpdateOutboxPayload,
  SmsOutboxPayload,
  TimelineEventOutboxPayload,
} from '../../sidecar/src/outbox/kinds.ts';
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type RunningSandbox,
} from '../../sandbox/src/hubspot/index.ts';
import { startWriteBack, type WriteBackRig } from '../support/write-back.ts';

const SPEED = 20;
const OUTAGE_MS = 120_000;
const t0 = Date.now();
const clock = { now: () => t0 + (Date.now() - t0) * SPEED };

const APP_ID = 616161;
const DEV_KEY = 'dev-key-outage-test';
let sandbox: HubSpotSandbox;
let running: RunningSandbox;
let rig: WriteBackRig;
let portalId: number;
let contact: string;

before(async () => {
  sandbox = createHubSpotSandbox({ clock: clock.now, defaultPortal: { portalId: 5151 } });
  running = await sandbox.listen(0);
  portalId = sandbox.defaultPortal!.portalId;
  sandbox.registerOAuthApp({ appId: APP_ID, developerApiKey: DEV_KEY });
  contact = sandbox.seedObject(portalId, 'contacts', { properties: { firstname: 'Anna' } }).id;
  rig = await startWriteBack(
    {
      HUBSPOT_API_BASE_URL: running.url,
      HUBSPOT_ACCESS_TOKEN: sandbox.defaultPortal!.accessToken,
      HUBSPOT_PORTAL_ID: String(portalId),
      HUBSPOT_APP_ID: String(APP_ID),
      HUBSPOT_DEVELOPER_API_KEY: DEV_KEY,
      // Production defaults, in sandbox-clock time.
      OUTBOX_RETRY_BASE_MS: '1000',
      OUTBOX_RETRY_CAP_MS: '30000',
    },
    { clock, tag: 'writeback-outage' },
  );
});

after(async () => {
  await rig.close();
  await running.close();
});

function wave(tag: string, n: number): { kind: string; key: string; payload: unknown }[] {
  const rows: { kind: string; key: string; payload: unknown }[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${tag}-${i}`;
    const call: FinishedCall = {
      id,
      portalId: String(portalId),
      direction: 'OUTBOUND',
      fromNumber: '+390577235501',
      toNumber: '+390577111222',
      contactId: contact,
      startedAt: clock.now(),
      answeredAt: clock.now(),
      endedAt: clock.now() + 30_000,
      outcome: 'COMPLETED',
      note: null,
    };
    rows.push({ kind: 'call', key: `call:${id}`, payload: { call } });
    if (i % 5 === 0) {
      const sms: SmsOutboxPayload = {
        messageId: id,
        direction: 'OUTBOUND',
        from: '+390577235501',
        to: '+390577111222',
        body: `message ${id}`,
        at: clock.now(),
        associations: [{ objectType: 'contacts', id: contact }],
      };
      rows.push({ kind: 'sms', key: `sms:${id}`, payload: sms });
      const ev: TimelineEventOutboxPayload = {
        eventId: id,
        template: 'campaign-outcome',
        object: { objectType: 'contacts', id: contact },
        tokens: { campaign: 'Autumn', outcome: 'ANSWERED', attempt: i },
        at: clock.now(),
      };
      rows.push({ kind: 'timeline-event', key: `timeline:${id}`, payload: ev });
      const props: PropertyUpdateOutboxPayload = {
        object: { objectType: 'contacts', id: contact },
        properties: { lastname: id },
      };
      rows.push({ kind: 'property-update', key: `props:${id}`, payload: props });
      const cb = sandbox.registerCallback(portalId, { callbackId: `cb-${id}` });
      const done: ActionCallbackOutboxPayload = {
        callbackId: cb.callbackId,
        outputFields: { hs_execution_state: 'SUCCESS' },
      };
      rows.push({ kind: 'action-callback', key: `callback:${cb.callbackId}`, payload: done });
    }
  }
  return rows;
}

test('2-minute outage (sandbox clock) with writes before and during it: zero lost, zero duplicated', async () => {
  let deferrals = 0;
  rig.worker.on('deferred', () => (deferrals += 1));
  const outageEnds = clock.now() + OUTAGE_MS;
  sandbox.setFaults({ outageUntil: outageEnds });
  const rows = wave('before', 150);
  await rig.addMany(rows);

  // Half-way through, more facts are recorded while every request still fails.
  const midway = outageEnds - OUTAGE_MS / 2;
  if (clock.now() < midway)
    await new Promise<void>((resolve) => {
      const onDeferred = () => {
        if (clock.now() < midway) return;
        rig.worker.off('deferred', onDeferred);
        resolve();
      };
      rig.worker.on('deferred', onDeferred);
    });
  assert.ok(deferrals > 0, 'rows were being retried');
  assert.ok(clock.now() < outageEnds, 'still in the outage');
  const during = wave('during', 150);
  await rig.addMany(during);
  rows.push(...during);

  const settled = await rig.settled(rows.map((r) => r.key));
  assert.ok(clock.now() >= outageEnds, 'nothing got through before the outage ended');
  const dead = [...settled.values()].filter((r) => r.state !== 'sent');
  assert.deepEqual(
    dead.map((r) => `${r.dedupeKey}: ${r.lastError}`),
    [],
    'zero lost',
  );

  const log = sandbox.requests({ portalId });
  const resets = sandbox.requests().filter((r) => r.status === 0);
  assert.ok(resets.length >= 5, `${resets.length} requests failed for real during the outage`);
  assert.ok(deferrals >= resets.length / 4, `${deferrals} deferrals recorded`);
  assert.equal(log.filter((r) => r.status === 429).length, 0, 'no 429 after the outage either');

  const count = (type: string, prop: string) => {
    const values = sandbox.listObjects(portalId, type).map((o) => o.properties[prop]);
    return { all: values.length, distinct: new Set(values).size };
  };
  const nCalls = rows.filter((r) => r.kind === 'call').length;
  const nOther = rows.filter((r) => r.kind === 'sms').length;
  assert.deepEqual(count('calls', 'centralino_call_id'), { all: nCalls, distinct: nCalls });
  assert.deepEqual(count('communications', 'centralino_message_id'), {
    all: nOther,
    distinct: nOther,
  });
  const events = sandbox.timelineEvents(portalId);
  assert.equal(events.length, nOther);
  assert.equal(new Set(events.map((e) => e.id)).size, nOther);
  const callbacks = sandbox.callbacks(portalId);
  assert.equal(callbacks.length, nOther);
  assert.ok(
    callbacks.every((c) => c.completions.length === 1),
    'each callback completed once',
  );
  for (const c of sandbox.listObjects(portalId, 'calls'))
    assert.deepEqual(c.associations.contacts, [{ id: contact, typeIds: [194] }]);
});
