// SIGTERM path: stop taking calls, let the active call finish, flush its CRM write, close.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import { CALL_ID_PROPERTY } from '../../sidecar/src/domain/call.ts';
import { ari } from '../support/env.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';

let crm: TestHubSpot;
let sidecar: TestSidecar;
before(async () => {
  crm = await startTestHubSpot();
  // A greeting long enough for shutdown to start while the call is in progress.
  sidecar = await startTestSidecar(
    { ...crm.env, GREETING_MEDIA: 'sound:hello-world', OUTBOX_POLL_MS: '60000' },
    'shutdown',
  );
});
after(async () => {
  await crm.running.close();
});

test('shutdown drains the active call, refuses new ones, and flushes the outbox', async () => {
  let logged = 0;
  sidecar.onCallLogged(() => (logged += 1));
  await placeCall(ari, { from: '+390577111222', to: '0577235501', app: sidecar.app });
  while (sidecar.telephony.status().activeCalls === 0) await new Promise((r) => setTimeout(r, 10));

  const stopping = sidecar.shutdown();
  // A call arriving now is hung up at once instead of being greeted.
  await placeCall(ari, { from: '+390577333444', to: '0577235501', app: sidecar.app });
  await stopping;

  assert.equal(logged, 1, 'only the call that was in progress was handled');
  const inCrm = crm.sandbox.listObjects(crm.portalId, 'calls');
  assert.equal(inCrm.length, 1, 'the drained call was written before shutdown returned');
  assert.equal(inCrm[0]?.properties.hs_call_status, 'COMPLETED');
  assert.ok(inCrm[0]?.properties[CALL_ID_PROPERTY]);
  assert.ok(
    Number(inCrm[0]?.properties.hs_call_duration) > 500,
    'the greeting was played to the end',
  );
});
