// The first path end to end on the real parts: a scripted caller rings through Asterisk, the
// sidecar finds the caller in the (sandbox) CRM, greets, hangs up, and exactly one Call with
// the right properties and association appears on the contact's timeline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CALL_ID_PROPERTY } from '../../sidecar/src/domain/call.ts';
import type { OutboxRow } from '../../sidecar/src/store/entities.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';

let crm: TestHubSpot;
let sidecar: TestSidecar;
let mario: string;
let giulia: string;

before(async () => {
  crm = await startTestHubSpot();
  // Numbers as people type them into the CRM, not as trunks send them.
  mario = crm.sandbox.seedObject(crm.portalId, 'contacts', {
    properties: { firstname: 'Mario', lastname: 'Rossi', phone: '0577 111222' },
  }).id;
  giulia = crm.sandbox.seedObject(crm.portalId, 'contacts', {
    properties: { firstname: 'Giulia', mobilephone: '+39 347 123 4567' },
  }).id;
  sidecar = await startTestSidecar(
    { ...crm.env, OUTBOX_RETRY_BASE_MS: '100', OUTBOX_RETRY_CAP_MS: '400' },
    'crm',
  );
});
after(async () => {
  await sidecar.shutdown();
  await crm.running.close();
});

function delivered(callId: string): Promise<OutboxRow> {
  return new Promise((resolve) => {
    const listener = (row: OutboxRow) => {
      if (row.dedupeKey !== `call:${callId}`) return;
      sidecar.outbox.off('delivered', listener);
      resolve(row);
    };
    sidecar.outbox.on('delivered', listener);
  });
}

/** The next deferral of this call's row (other rows may share the database on MariaDB runs). */
function deferred(callId: string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (row: OutboxRow, error: string) => {
      if (row.dedupeKey !== `call:${callId}`) return;
      sidecar.outbox.off('deferred', listener);
      resolve(error);
    };
    sidecar.outbox.on('deferred', listener);
  });
}

function hubspotCalls(callId: string) {
  return crm.sandbox
    .listObjects(crm.portalId, 'calls')
    .filter((c) => c.properties[CALL_ID_PROPERTY] === callId);
}

test('a known caller (phone) gets one Call on their timeline, with properties and association', async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.equal(call.contactId, mario);
  await delivered(call.id);
  const [hs, ...rest] = hubspotCalls(call.id);
  assert.ok(hs, 'call written to HubSpot');
  assert.equal(rest.length, 0);
  assert.equal(hs.properties.hs_call_direction, 'INBOUND');
  assert.equal(hs.properties.hs_call_from_number, '+390577111222');
  assert.equal(hs.properties.hs_call_to_number, '+390577235501');
  assert.equal(hs.properties.hs_call_status, 'COMPLETED');
  assert.equal(Number(hs.properties.hs_call_duration), call.endedAt - call.answeredAt!);
  assert.ok(Number(hs.properties.hs_call_duration) > 0);
  assert.equal(new Date(hs.properties.hs_timestamp!).getTime(), call.startedAt);
  assert.deepEqual(hs.associations.contacts, [{ id: mario, typeIds: [194] }]);
});

test('a caller known by mobile phone is matched too', async () => {
  const call = await sidecar.call({ from: '3471234567', to: '0577235501' });
  assert.equal(call.contactId, giulia);
  await delivered(call.id);
  assert.deepEqual(hubspotCalls(call.id)[0]?.associations.contacts, [
    { id: giulia, typeIds: [194] },
  ]);
});

test('an unknown caller is still logged, unassociated', async () => {
  const call = await sidecar.call({ from: '+390577000999', to: '0577235501' });
  assert.equal(call.contactId, null);
  await delivered(call.id);
  const [hs] = hubspotCalls(call.id);
  assert.ok(hs);
  assert.equal(hs.associations.contacts, undefined);
  assert.match(hs.properties.hs_call_body ?? '', /not found in the CRM/);
});

test('429s and 5xx for a while (some after HubSpot committed the write): exactly one Call in the end', async () => {
  crm.sandbox.setFaults({
    status5xx: 502,
    applyBeforeFail: true,
    pathPrefix: '/crm/v3/objects/calls',
  });
  const call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  const done = delivered(call.id);
  // The write lands while the answer is lost: the retry must not create a second Call.
  await deferred(call.id);
  assert.equal(hubspotCalls(call.id).length, 1);
  crm.sandbox.setFaults({ rateLimitStorm: true });
  assert.match(await deferred(call.id), /rate limit/);
  crm.sandbox.setFaults({ outage: true });
  const error = await deferred(call.id);
  assert.match(error, /unreachable|ECONNRESET|socket/i);
  crm.sandbox.clearFaults();
  const row = await done;
  assert.ok(row.attempts >= 3, `retried ${row.attempts} times`);
  const calls = hubspotCalls(call.id);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]?.associations.contacts, [{ id: mario, typeIds: [194] }]);
  const stored = await sidecar.outboxStore.byDedupeKey(`call:${call.id}`);
  assert.equal(stored?.state, 'sent');
  assert.equal(stored?.remoteId, calls[0]?.id);
});

test('CRM down during the call: the caller is not held, and the contact is attached on delivery', async () => {
  crm.sandbox.setFaults({ latencyMs: 5000, pathPrefix: '/crm/v3/objects/contacts/search' });
  const fresh = crm.sandbox.seedObject(crm.portalId, 'contacts', {
    properties: { firstname: 'Late', phone: '+390577222333' },
  }).id;
  const call = await sidecar.call({ from: '+390577222333', to: '0577235501' });
  assert.equal(call.contactId, null);
  assert.match(call.note ?? '', /timed out/);
  assert.ok(call.answeredAt! - call.startedAt < 1000, 'answered without waiting for the CRM');
  crm.sandbox.clearFaults();
  await delivered(call.id);
  const [hs] = hubspotCalls(call.id);
  assert.deepEqual(hs?.associations.contacts, [{ id: fresh, typeIds: [194] }]);
  assert.match(hs?.properties.hs_call_body ?? '', /CRM lookup unavailable/);
});
