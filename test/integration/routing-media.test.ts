// Voicemail, parking and transfer on the real Asterisk. Voicemail: the scripted caller plays a
// message after the beep and ends it with '#'; the mail (real SMTP) carries the audio; the CRM
// call links the recording; the link serves byte ranges and refuses unsigned requests.
// Parking: park, hear the slot, pick up by dialling it; or, nobody picks up → back to the
// parker. Transfer: the outside leg and the caller end in one bridge, nothing else.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import { createHubSpotSandbox, type RunningSandbox } from '../../sandbox/src/hubspot/index.ts';
import type { OutboxRow } from '../../sidecar/src/store/entities.ts';
import { CALL_ID_PROPERTY } from '../../sidecar/src/domain/call.ts';
import { ari, testPortBase } from '../support/env.ts';
import { startTestSidecar, waitFor, type TestSidecar } from '../support/harness.ts';
import { ariJson, bridges, untilBridgedTogether, untilParked } from '../support/ari-bridges.ts';
import { tempDir, writeFlows } from '../support/routing.ts';
import { startTestSmtp, type TestMailbox } from '../support/smtp.ts';

let sidecar: TestSidecar;
let mailbox: TestMailbox;
let crm: RunningSandbox;
const hubspot = createHubSpotSandbox({ defaultPortal: { portalId: 4343 } });
const smtpPort = testPortBase + 25;

before(async () => {
  mailbox = await startTestSmtp(smtpPort);
  crm = await hubspot.listen(0);
  const portal = hubspot.defaultPortal!;
  const dir = tempDir('media');
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, {
    numbers: {
      '0577235600': 'voicemail',
      '700': 'park-long',
      '701': 'park-short',
      '711': 'pickup',
      '712': 'pickup',
      '0577235700': 'transfer',
    },
    default: 'voicemail',
    flows: {
      voicemail: [
        {
          type: 'voicemail',
          box: 'office',
          email: 'office@example.com',
          greeting: 'sound:beep',
          maxSeconds: 20,
        },
      ],
      'park-long': [
        { type: 'park', slots: [711, 715], timeoutSec: 30, onTimeout: [{ type: 'hangup' }] },
      ],
      'park-short': [
        { type: 'park', slots: [711, 715], timeoutSec: 2, onTimeout: [{ type: 'hangup' }] },
      ],
      pickup: [{ type: 'pickup' }],
      transfer: [{ type: 'transfer', number: '5550100', failed: [{ type: 'hangup' }] }],
    },
  });
  sidecar = await startTestSidecar(
    {
      HUBSPOT_API_BASE_URL: crm.url,
      HUBSPOT_ACCESS_TOKEN: portal.accessToken,
      HUBSPOT_PORTAL_ID: String(portal.portalId),
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      DATA_DIR: dir,
      SMTP_URL: mailbox.url,
      RECORDING_LINK_KEY: 'test-recording-link-key-0123456789',
      TRANSFER_DIAL_TEMPLATE: 'Local/{number}@test-trunk',
    },
    'media',
  );
});
after(async () => {
  await sidecar.shutdown();
  await crm.close();
  await mailbox.close();
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

test('voicemail: recorded until #, mailed with the audio, linked from the CRM call, served by range to signed links only', async () => {
  const mailed = mailbox.next();
  const call = await sidecar.call({
    from: '+390577111222',
    to: '0577235600',
    play: 'tt-weasels',
    digits: '#',
    variables: { WAIT_S: '2' },
  });
  assert.match(call.note ?? '', /Route: voicemail:office/);
  assert.ok(call.recordingUrl, 'recording link on the call');
  await mailed;
  const mail = mailbox.mails.at(-1)!;
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'office@example.com');
  const audio = mail.attachments.find((a) => a.filename === 'voicemail.wav');
  assert.ok(audio, 'audio attached');
  assert.equal(audio.content.subarray(0, 4).toString(), 'RIFF');
  // 8 kHz 16-bit mono: the ~3 s message is well over 1 s of audio, and '#' ended it before 20 s.
  assert.ok(audio.content.length > 16_000, `attachment ${audio.content.length} bytes`);
  assert.ok(audio.content.length < 20 * 16_000, `attachment ${audio.content.length} bytes`);
  assert.ok(mail.text?.includes(call.recordingUrl));

  await delivered(call.id);
  const hs = hubspot
    .listObjects(hubspot.defaultPortal!.portalId, 'calls')
    .find((c) => c.properties[CALL_ID_PROPERTY] === call.id);
  // The test sidecar serves plain http, which HubSpot refuses as a recording link: the link is
  // in the call's text instead, and the call lands (an https link is the property: unit test).
  assert.ok(hs, 'the call reached the CRM');
  assert.equal(hs.properties.hs_call_recording_url, undefined);
  assert.ok(hs.properties.hs_call_body?.includes(`Recording: ${call.recordingUrl}`));
  // What routing decided is in the call body the CRM shows.
  assert.match(hs.properties.hs_call_body ?? '', /Route: voicemail:office/);
  assert.match(hs.properties.hs_call_body ?? '', /Voicemail left in box office/);

  const link = call.recordingUrl;
  const ranged = await fetch(link, { headers: { range: 'bytes=0-99' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 0-99/${audio.content.length}`);
  assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), audio.content.subarray(0, 100));
  const whole = await fetch(link);
  assert.equal(whole.status, 200);
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), audio.content);
  const beyond = await fetch(link, { headers: { range: `bytes=${audio.content.length}-` } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), `bytes */${audio.content.length}`);
  const u = new URL(link);
  assert.equal((await fetch(`${u.origin}${u.pathname}`)).status, 401);
  u.searchParams.set('sig', 'x'.repeat(43));
  assert.equal((await fetch(u)).status, 403);
});

test('voicemail: a caller who hangs up instead of pressing # still leaves the message', async () => {
  const mailed = mailbox.next();
  const call = await sidecar.call({
    from: '+390577111999',
    to: '0577235600',
    play: 'tt-weasels',
    holdSeconds: 0,
    variables: { WAIT_S: '2' },
  });
  assert.ok(call.recordingUrl, 'recording link on the call');
  assert.match(call.note ?? '', /Voicemail left in box office/);
  await mailed;
  const audio = mailbox.mails.at(-1)!.attachments.find((a) => a.filename === 'voicemail.wav')!;
  assert.ok(audio.content.length > 16_000, `attachment ${audio.content.length} bytes`);
  const served = await fetch(call.recordingUrl);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), audio.content);
});

test('parking: the call hears its slot, waits on hold, and is picked up by dialling the slot', async () => {
  const both = sidecar.nextCalls(2);
  const parked = await placeCall(ari, {
    from: '+390577111222',
    to: '700',
    app: sidecar.app,
    holdSeconds: 30,
  });
  await untilParked(parked.inboundChannelId);
  const picker = await placeCall(ari, {
    from: '+390577444555',
    to: '711',
    app: sidecar.app,
    holdSeconds: 3,
  });
  await untilBridgedTogether(
    parked.inboundChannelId,
    picker.inboundChannelId,
    'parked call and picker bridged',
  );
  const calls = await both;
  const parkedCall = calls.find((c) => c.toNumber.endsWith('700'))!;
  const pickerCall = calls.find((c) => c.toNumber.endsWith('711'))!;
  assert.match(parkedCall.note ?? '', /Route: park:711/);
  assert.match(parkedCall.note ?? '', /Parked on 711 and picked up/);
  assert.match(pickerCall.note ?? '', /Route: pickup:711/);
});

test('parking: nobody picks up within the timeout → the call rings back the parker', async () => {
  const logged = sidecar.nextCalls(1);
  const parked = await placeCall(ari, {
    from: '+390577111222',
    to: '701',
    app: sidecar.app,
    holdSeconds: 8,
    variables: { CENTRALINO_PARKER: 'Local/answer@test-callee' },
  });
  await waitFor(
    async () =>
      (await bridges()).some(
        (b) =>
          b.bridge_type === 'mixing' &&
          b.channels.length === 2 &&
          b.channels.includes(parked.inboundChannelId),
      ),
    15_000,
    'the parked call bridged back to the parker',
  );
  const [call] = await logged;
  assert.match(call!.note ?? '', /Route: park:711 → park:returned/);
  assert.match(call!.note ?? '', /returned to Local\/answer@test-callee/);
});

test('transfer to an outside number ends with one bridge of exactly two legs, and no leg left after hang-up', async () => {
  const logged = sidecar.nextCalls(1);
  const caller = await placeCall(ari, {
    from: '+390577111222',
    to: '0577235700',
    app: sidecar.app,
    holdSeconds: 3,
  });
  let outside = '';
  await waitFor(
    async () => {
      const mine = (await bridges()).filter((b) => b.channels.includes(caller.inboundChannelId));
      if (mine.length !== 1 || mine[0]!.channels.length !== 2) return false;
      outside = mine[0]!.channels.find((c) => c !== caller.inboundChannelId)!;
      return true;
    },
    10_000,
    'caller and outside leg bridged',
  );
  const [call] = await logged;
  assert.match(call!.note ?? '', /Route: transfer:5550100/);
  assert.match(call!.note ?? '', /Transferred to 5550100/);
  await waitFor(
    async () => !(await ariJson<{ id: string }[]>('/channels')).some((c) => c.id === outside),
    5000,
    'outside leg hung up',
  );
  assert.ok(!(await bridges()).some((b) => b.channels.includes(caller.inboundChannelId)));
});
