// Texts admins type on the settings page are what callers hear, on real calls through Asterisk:
// the emergency text is synthesised (espeak-ng + sox), served by the sidecar over HTTP and
// played by Asterisk with `sound:http://…`; a holiday's text likewise. The scripted caller
// records what it hears, and the synthesised WAV is found in that recording by normalised
// cross-correlation — while another text, synthesised the same way, is not. With espeak-ng
// missing, callers hear the file's default announcement and the call goes on.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseMonoWav, type PcmMono } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import { EspeakEngine } from '../../sidecar/src/tts/espeak-engine.ts';
import { SpeechCache, speechHash } from '../../sidecar/src/tts/speech-cache.ts';
import { bestMatch } from '../support/audio-match.ts';
import { TEST_ADMIN_TOKEN } from '../support/env.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { decodedPrompt, takeStoredRecording } from '../support/heard-audio.ts';
import { ShiftedClock, TestQueues, tempDir, writeFlows } from '../support/routing.ts';
import { jsonRequest } from '../support/json-request.ts';
import { cardClient } from '../support/signed-card-request.ts';

const PUBLIC_URL = 'https://sidecar.example.com';
const SECRET = 'tts-secret';
const PORTAL = '4343';
const VOICE = 'it';
/** Tuesday 8 December 2026, 10:00 in Rome: a working day unless a holiday says otherwise. */
const TUESDAY_10_ROME = Date.UTC(2026, 11, 8, 9, 0);
const EMERGENCY = 'Attenzione: per lavori sulla rete del gas gli uffici di Siena sono chiusi oggi.';
const OTHER = 'Buongiorno, per parlare con un operatore restate in linea, grazie.';
const HOLIDAY = "Oggi è l'Immacolata: gli uffici riapriranno domani alle nove.";
/** The synthesised speech is in the recording when it correlates this well at its best lag. */
const HEARD = 0.8;
/** …and a text the caller did not hear stays below this. */
const NOT_HEARD = 0.5;

const flows = {
  queues: ['support'],
  calendars: {
    office: { timeZone: 'Europe/Rome', hours: { tue: [['09:00', '18:00']] } },
  },
  numbers: { '0577235501': 'main' },
  default: 'main',
  flows: {
    main: [
      // The caller's recorder starts 0.2 s after the answer: the messages come after it.
      { type: 'play', media: 'sound:silence/1' },
      { type: 'announcement', id: 'emergency', media: 'sound:vm-goodbye', then: 'hangup' },
      {
        type: 'time-switch',
        calendar: 'office',
        open: [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }],
        closed: [{ type: 'hangup' }],
      },
    ],
  },
};

const clock = new ShiftedClock();
let dataDir: string;
let sidecar: TestSidecar;
let signedBy: ReturnType<typeof cardClient>;
const req: ReturnType<typeof cardClient> = (method, p, opts = {}) =>
  signedBy(method, p, { timestamp: clock.now(), ...opts });

async function startWith(env: Record<string, string>, tag: string): Promise<TestSidecar> {
  dataDir = tempDir(tag);
  const flowsFile = path.join(dataDir, 'flows.yaml');
  writeFlows(flowsFile, flows);
  const s = await startTestSidecar(
    {
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      DATA_DIR: dataDir,
      PUBLIC_URL,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_PORTAL_ID: PORTAL,
      TTS_VOICE: VOICE,
      ...env,
    },
    tag,
    { clock, queues: new TestQueues(['support']) },
  );
  signedBy = cardClient(s.url, PUBLIC_URL, SECRET);
  return s;
}

before(async () => {
  clock.setTo(TUESDAY_10_ROME);
  sidecar = await startWith({}, 'tts');
});
after(async () => {
  await sidecar.shutdown();
});

/** A scripted call that records what the caller hears until the sidecar hangs up. */
async function listenToCall(s: TestSidecar): Promise<{ call: FinishedCall; heard: PcmMono }> {
  const name = `tts-${randomUUID()}`;
  const call = await s.call({
    from: '+390577111222',
    to: '0577235501',
    holdSeconds: 0,
    variables: { LISTEN_NAME: name, LISTEN_S: '20' },
  });
  return { call, heard: await takeStoredRecording(name) };
}

/** The WAV the sidecar serves Asterisk for `text`, fetched the way Asterisk does. */
async function servedSpeech(s: TestSidecar, text: string): Promise<PcmMono> {
  const res = await fetch(`${s.url}/media/tts/${speechHash(VOICE, text)}.wav`);
  assert.equal(res.status, 200, `speech for "${text}" is served`);
  assert.equal(res.headers.get('content-type'), 'audio/x-wav');
  return parseMonoWav(Buffer.from(await res.arrayBuffer()));
}

/** The same engine on another text: what the caller would have heard had it been spoken. */
async function speechNotPlayed(text: string): Promise<PcmMono> {
  const cache = new SpeechCache(
    tempDir('tts-other'),
    new EspeakEngine({ voice: VOICE, espeakBin: 'espeak-ng', soxBin: 'sox' }),
  );
  const hash = await cache.ensure(text);
  return parseMonoWav(await readFile((await cache.fileOf(hash))!));
}

function score(who: string, heard: PcmMono, reference: PcmMono): number {
  assert.equal(heard.sampleRate, 8000);
  assert.equal(reference.sampleRate, 8000);
  // The flow hangs up as the message ends, which cuts the recording's last frame or so: the
  // reference without its last 0.25 s (espeak's trailing silence) must fit inside.
  const m = bestMatch(heard.samples, reference.samples.subarray(0, -0.25 * 8000));
  console.log(
    `${who}: score ${m.score.toFixed(3)} at ${(m.lag / 8000).toFixed(2)} s ` +
      `(reference ${(reference.samples.length / 8000).toFixed(2)} s, recording ${(heard.samples.length / 8000).toFixed(2)} s)`,
  );
  return m.score;
}

test('the emergency text typed on the settings page is what the next caller hears', async () => {
  const on = await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: true, text: EMERGENCY },
  });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  const { call, heard } = await listenToCall(sidecar);
  assert.match(call.note ?? '', /Route: announcement:emergency$/m);
  const spoken = await servedSpeech(sidecar, EMERGENCY);
  assert.ok(spoken.samples.length > 2 * 8000, 'the speech lasts seconds');
  assert.ok(score('emergency text', heard, spoken) >= HEARD, 'the caller heard the typed text');
  const other = await speechNotPlayed(OTHER);
  assert.ok(score('a text never typed', heard, other) < NOT_HEARD, 'another text is not heard');
  const fileDefault = await decodedPrompt('vm-goodbye');
  assert.ok(
    score('the file default', heard, fileDefault) < NOT_HEARD,
    "the file's default media did not play",
  );
});

test('the same text is synthesised once; unknown or malformed names are not served', async () => {
  const files = await readdir(path.join(dataDir, 'tts'));
  assert.deepEqual(files, [`${speechHash(VOICE, EMERGENCY)}.wav`]);
  const firstWrite = (await stat(path.join(dataDir, 'tts', files[0]!))).mtimeMs;
  await listenToCall(sidecar);
  const again = (await stat(path.join(dataDir, 'tts', files[0]!))).mtimeMs;
  assert.equal(again, firstWrite, 'the second call reused the file');
  for (const name of [`${speechHash(VOICE, OTHER)}.wav`, 'x.wav', '..%2Fflows.yaml'])
    assert.equal((await fetch(`${sidecar.url}/media/tts/${name}`)).status, 404, name);
});

test("a holiday's message typed on the page is spoken to callers that day", async () => {
  const off = await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: false, text: EMERGENCY },
  });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  const added = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '2026-12-08', name: 'Immacolata', text: HOLIDAY },
  });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const { call, heard } = await listenToCall(sidecar);
  assert.match(call.note ?? '', /time:holiday\(Immacolata\)/);
  assert.ok(score('holiday text', heard, await servedSpeech(sidecar, HOLIDAY)) >= HEARD);
  const emergency = await servedSpeech(sidecar, EMERGENCY);
  const opening = { ...emergency, samples: emergency.samples.subarray(0, 3 * 8000) };
  assert.ok(score('emergency text (first 3 s), now off', heard, opening) < NOT_HEARD);
});

test('a recording set for the announcement wins over its text, until the page saves another text', async () => {
  const announcement = `/api/routing/announcements/emergency?portalId=${PORTAL}`;
  const put = await jsonRequest(
    sidecar.url,
    'PUT',
    announcement,
    { enabled: true, media: 'sound:vm-goodbye', text: EMERGENCY },
    TEST_ADMIN_TOKEN,
  );
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const { heard } = await listenToCall(sidecar);
  assert.ok(score('recording', heard, await decodedPrompt('vm-goodbye')) >= HEARD);
  // 1 s of silence, the 0.9 s recording, hang-up: no room for the 4.8 s of speech as well.
  assert.ok(heard.samples.length < 2.5 * 8000, `the text was not spoken (${heard.samples.length})`);

  const media = async () =>
    (await jsonRequest(sidecar.url, 'GET', announcement, undefined, TEST_ADMIN_TOKEN)).body.media;
  // Switching on and off on the page keeps the recording; a new text replaces it.
  await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: true, text: EMERGENCY },
  });
  assert.equal(await media(), 'sound:vm-goodbye');
  await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: false, text: 'Nuovo testo' },
  });
  assert.equal(await media(), null);
});

test('espeak-ng missing: the caller hears the file default announcement, the call goes on', async () => {
  const broken = await startWith({ TTS_ESPEAK_BIN: '/nonexistent/espeak-ng' }, 'tts-broken');
  try {
    const on = await req('PUT', '/api/cards/settings/emergency', {
      portalId: PORTAL,
      body: { enabled: true, text: OTHER },
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const { call, heard } = await listenToCall(broken);
    assert.match(call.note ?? '', /Route: announcement:emergency$/m);
    assert.match(call.note ?? '', /could not be spoken/);
    assert.ok(score('file default', heard, await decodedPrompt('vm-goodbye')) >= HEARD);
  } finally {
    await broken.shutdown();
  }
});
