// IVR menu → queue node → the real ACD (the one startSidecar wires, not a test double) → a SIPp
// agent phone answers, on real calls. The caller reaches that agent, the ACD's statistics count
// the call, the CRM gets exactly one Call for it, and that Call links the queue's stereo
// recording, which is filed under the same call record.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { rms, splitStereoWav } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import { CALL_ID_PROPERTY } from '../../sidecar/src/domain/call.ts';
import {
  CallRecordEntity,
  OutboxEntity,
  type OutboxRow,
} from '../../sidecar/src/store/entities.ts';
import {
  startAcdSidecar,
  startSipAgent,
  type AcdTestSidecar,
  type SipAgentPhone,
} from '../support/acd.ts';
import { createAgent, loginInOrder, putQueue, type TestAgent } from '../support/acd-setup.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { tempDir, writeFlows } from '../support/routing.ts';

const IVR_NUMBER = '0577235700';
const CALLER = '+390577444555';

let crm: TestHubSpot;
let s: AcdTestSidecar;
let phone: SipAgentPhone;
let agent: TestAgent;
let contactId: string;

before(async () => {
  // A portal of its own: on MariaDB the database (outbox, call records) is shared by the files.
  crm = await startTestHubSpot(700000 + Math.floor(Math.random() * 99999));
  contactId = crm.sandbox.seedObject(crm.portalId, 'contacts', {
    properties: { firstname: 'Lucia', phone: CALLER },
  }).id;
  const dir = tempDir('ivrq');
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, {
    queues: ['support'],
    numbers: { [IVR_NUMBER]: 'ivr' },
    default: 'ivr',
    flows: {
      ivr: [
        {
          type: 'menu',
          prompt: 'sound:beep',
          timeoutMs: 3000,
          retries: 0,
          options: { '1': [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }] },
          fallback: [{ type: 'hangup' }],
        },
      ],
    },
  });
  s = await startAcdSidecar('ivrq', {
    env: {
      ...crm.env,
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      DATA_DIR: dir,
      RECORDING_LINK_KEY: 'test-recording-link-key-0123456789',
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_CAP_MS: '400',
    },
  });
  phone = await startSipAgent('301', 'answer');
  agent = await createAgent(s, '301', { sipUri: phone.uri });
  await putQueue(s, 'support', {
    strategy: 'longest-idle',
    record: true,
    members: [{ agentId: agent.id }],
  });
  await loginInOrder(s, [agent]);
});

after(async () => {
  await s.shutdown();
  phone.stop();
  await crm.running.close();
});

/** The call's outbox row delivered; a row the CRM refused for good fails the test at once. */
function delivered(callId: string): Promise<OutboxRow> {
  return new Promise((resolve, reject) => {
    const mine = (row: OutboxRow) => row.dedupeKey === `call:${callId}`;
    const done = () => {
      s.outbox.off('delivered', ok);
      s.outbox.off('dead', dead);
    };
    const ok = (row: OutboxRow) => {
      if (!mine(row)) return;
      done();
      resolve(row);
    };
    const dead = (row: OutboxRow, error: string) => {
      if (!mine(row)) return;
      done();
      reject(new Error(`the CRM refused the call: ${error}`));
    };
    s.outbox.on('delivered', ok);
    s.outbox.on('dead', dead);
  });
}

test('menu key 1 → queue → the SIPp agent answers; stats, one CRM call, its recording linked', async () => {
  const queued = s.nextResult(CALLER);
  // The caller presses 1, then talks (two playbacks) and hangs up half a second later.
  const call = await s.call({
    from: CALLER,
    to: IVR_NUMBER,
    digits: '1',
    holdSeconds: 0.5,
    variables: { PLAY_AFTER: 'tt-weasels&tt-weasels' },
  });
  const { entry, result } = await queued;

  // The caller reached the SIPp agent (the ACD only reports 'answered' once its 200 OK came).
  assert.equal(result.kind, 'answered', JSON.stringify(result));
  assert.ok(result.kind === 'answered');
  assert.equal(result.agentId, agent.id);
  assert.equal(entry.callId, call.id, 'the ACD was told which call record this is');
  assert.match(call.note ?? '', /Route: menu:1 → queue:support/);
  assert.match(call.note ?? '', new RegExp(`Answered in queue support by agent ${agent.id}`));
  assert.equal(call.contactId, contactId);

  // The ACD's statistics count it.
  const stats = await s.api<{
    queues: { queueId: string; offered: number; answered: number }[];
    agents: { agentId: string; calls: number }[];
  }>('GET', `/api/acd/stats?from=0&to=${Date.now() + 1000}`);
  assert.equal(stats.status, 200);
  const q = stats.body.queues.find((x) => x.queueId === 'support');
  assert.deepEqual([q?.offered, q?.answered], [1, 1]);
  assert.equal(stats.body.agents.find((a) => a.agentId === agent.id)?.calls, 1);

  // One call record and one outbox 'call' row for this account: the agent's leg is no call of
  // its own.
  await delivered(call.id);
  const records = await s.ds.getRepository(CallRecordEntity).findBy({ portalId: s.portalId });
  assert.deepEqual(
    records.map((r) => r.id),
    [call.id],
  );
  const rows = await s.ds
    .getRepository(OutboxEntity)
    .findBy({ portalId: s.portalId, kind: 'call' });
  assert.deepEqual(
    rows.map((r) => r.dedupeKey),
    [`call:${call.id}`],
  );
  const hsCalls = crm.sandbox.listObjects(crm.portalId, 'calls');
  assert.equal(hsCalls.length, 1, 'one Call in the CRM');
  const hs = hsCalls[0]!;
  assert.equal(hs.properties[CALL_ID_PROPERTY], call.id);
  assert.deepEqual(hs.associations.contacts, [{ id: contactId, typeIds: [194] }]);

  // The CRM call links the queue's stereo recording, filed under this call record.
  assert.ok(result.recordingId, 'the queue call was recorded');
  assert.ok(call.recordingUrl, 'recording link on the call');
  // Plain http here (HubSpot wants https for the property): the link is in the call's text.
  assert.ok(hs.properties.hs_call_body?.includes(`Recording: ${call.recordingUrl}`));
  assert.equal(new URL(call.recordingUrl).pathname, `/recordings/${result.recordingId}`);
  const rec = await s.routing.archive.find(result.recordingId);
  assert.deepEqual([rec?.callId, rec?.kind, rec?.portalId], [call.id, 'queue-call', s.portalId]);
  const served = await fetch(call.recordingUrl);
  assert.equal(served.status, 200);
  const wav = splitStereoWav(Buffer.from(await served.arrayBuffer()));
  assert.equal(wav.sampleRate, 8000);
  // The caller talked to the agent: the left (caller) channel carries that audio.
  assert.ok(rms(wav.left) > 100, `caller side carries audio (rms ${rms(wav.left)})`);
});
