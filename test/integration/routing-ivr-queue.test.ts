// IVR menu → queue node → the real ACD (the one startSidecar wires, not a test double) → a SIPp
// agent phone answers, on real calls. The caller reaches that agent, the ACD's statistics count
// the call, the CRM gets exactly one Call for it, and that Call links the queue's stereo
// recording, which is filed under the same call record. A queue nobody can answer overflows to
// voicemail: the message is mailed (real SMTP) and linked from the call.
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
import { testPortBase } from '../support/env.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { tempDir, writeFlows } from '../support/routing.ts';
import { startTestSmtp, type TestMailbox } from '../support/smtp.ts';

const IVR_NUMBER = '0577235700';
const CALLER = '+390577444555';

let crm: TestHubSpot;
let s: AcdTestSidecar;
let phone: SipAgentPhone;
let agent: TestAgent;
let contactId: string;
let mailbox: TestMailbox;
const smtpPort = testPortBase + 27;

before(async () => {
  mailbox = await startTestSmtp(smtpPort);
  // A portal of its own: on MariaDB the database (outbox, call records) is shared by the files.
  crm = await startTestHubSpot(700000 + Math.floor(Math.random() * 99999));
  contactId = crm.sandbox.seedObject(crm.portalId, 'contacts', {
    properties: { firstname: 'Lucia', phone: CALLER },
  }).id;
  const dir = tempDir('ivrq');
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, {
    queues: ['support', 'backoffice'],
    numbers: { [IVR_NUMBER]: 'ivr' },
    default: 'ivr',
    flows: {
      ivr: [
        {
          type: 'menu',
          prompt: 'sound:beep',
          timeoutMs: 3000,
          retries: 0,
          options: {
            '1': [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }],
            '2': [
              {
                type: 'queue',
                queue: 'backoffice',
                overflow: [
                  {
                    type: 'voicemail',
                    box: 'office',
                    email: 'office@example.com',
                    greeting: 'sound:beep',
                    maxSeconds: 20,
                  },
                ],
              },
            ],
          },
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
      SMTP_URL: mailbox.url,
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
  // A queue with nobody in it: every call overflows at once.
  await putQueue(s, 'backoffice', { strategy: 'round-robin', members: [] });
});

after(async () => {
  await s.shutdown();
  phone.stop();
  await crm.running.close();
  await mailbox.close();
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

test('menu key 2 → a queue nobody can answer → overflow to voicemail: mailed, linked, one CRM call', async () => {
  const mailed = mailbox.next();
  const queued = s.nextResult(CALLER);
  // The caller presses 2, leaves a message (a playback) and hangs up without '#'.
  const call = await s.call({
    from: CALLER,
    to: IVR_NUMBER,
    digits: '2',
    holdSeconds: 0.5,
    variables: { PLAY_AFTER: 'tt-weasels' },
  });
  const { result } = await queued;
  assert.deepEqual(result, { kind: 'overflow', reason: 'no-agents', waitMs: 0 });
  assert.match(
    call.note ?? '',
    /menu:2 → queue:backoffice → overflow:no-agents → voicemail:office/,
  );
  assert.match(call.note ?? '', /Voicemail left in box office/);
  assert.ok(call.recordingUrl, 'the message is linked from the call');

  await mailed;
  const mail = mailbox.mails.at(-1)!;
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'office@example.com');
  const audio = mail.attachments.find((a) => a.filename === 'voicemail.wav');
  assert.ok(audio, 'audio attached');
  // 8 kHz 16-bit mono: the caller spoke for well over half a second.
  assert.ok(audio.content.length > 8_000, `attachment ${audio.content.length} bytes`);
  const rec = await s.routing.archive.find(new URL(call.recordingUrl).pathname.split('/').at(-1)!);
  assert.deepEqual([rec?.callId, rec?.kind], [call.id, 'voicemail']);

  await delivered(call.id);
  const hs = crm.sandbox
    .listObjects(crm.portalId, 'calls')
    .filter((c) => c.properties[CALL_ID_PROPERTY] === call.id);
  assert.equal(hs.length, 1, 'one Call in the CRM for it');
  assert.ok(hs[0]!.properties.hs_call_body?.includes(`Recording: ${call.recordingUrl}`));
});
