// Queue behaviour on real calls: phone feature codes with PIN, priority callers first,
// overflow after the maximum wait and with nobody logged in, abandoned calls, statistics,
// the stereo recording, and the settings/presence API's answers to bad input.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import type { QueueEntry } from '../../sidecar/src/acd/port.ts';
import { rms, splitStereoWav } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import {
  startAcdSidecar,
  startSipAgent,
  TempDirArchive,
  type AcdTestSidecar,
  type SipAgentPhone,
} from '../support/acd.ts';
import {
  agentOf,
  createAgent,
  loginInOrder,
  logoffAll,
  putQueue,
  queueCall,
  type TestAgent,
} from '../support/acd-setup.ts';
import { adminAuth, ari } from '../support/env.ts';

let s: AcdTestSidecar;
const archive = new TempDirArchive();
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent, talker: TestAgent, brief: TestAgent;
const VIP = '+390577999999';
const waiting: ((e: QueueEntry) => void)[] = [];

before(async () => {
  s = await startAcdSidecar('acdcalls', {
    archive,
    priorityOf: (_portal, caller) => (caller === VIP ? 9 : 0),
    onWaiting: (e) => waiting.shift()?.(e),
  });
  phones.push(await startSipAgent('201', 'answer'), await startSipAgent('202', 'answer'));
  a1 = await createAgent(s, '201', { sipUri: phones[0]!.uri }, '4321');
  a2 = await createAgent(s, '202', { sipUri: phones[1]!.uri });
  talker = await createAgent(s, '203', { dial: 'Local/talk@test-callee/n' });
  // Ends each conversation itself after a second, so waiting callers need no timing.
  brief = await createAgent(s, '204', { dial: 'Local/brief@test-callee/n' });
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

const status = async (a: TestAgent) =>
  (await s.api<{ state: string; pauseReason?: string }>('GET', `/api/agents/${a.id}`)).body;
const nextWaiting = () => new Promise<QueueEntry>((resolve) => waiting.push(resolve));
describe('agents by phone: feature code + agent number + PIN', () => {
  const code = (to: string, digits: string) =>
    s.call({ from: '+390577111300', to, digits, holdSeconds: 10 });

  test('*45 logs in, *47 pauses, *48 resumes, *46 logs off; a wrong PIN changes nothing (prompts make each call ~10 s)', async () => {
    await logoffAll(s, [a1]);
    await code('*45', '201#9999#');
    assert.equal((await status(a1)).state, 'logged-off');
    await code('*45', '201#4321#');
    assert.equal((await status(a1)).state, 'available');
    await code('*47', '201#4321#');
    assert.deepEqual(await status(a1), {
      agentId: a1.id,
      name: 'Agent 201',
      state: 'paused',
      pauseReason: 'phone',
    });
    await code('*48', '201#4321#');
    assert.equal((await status(a1)).state, 'available');
    await code('*46', '201#4321#');
    assert.equal((await status(a1)).state, 'logged-off');
  });
});

describe('waiting callers', () => {
  test('priority callers are served first, then first come first served', async () => {
    await logoffAll(s, [a1, a2, talker, brief]);
    await putQueue(s, 'prio', {
      number: '0577900101',
      strategy: 'longest-idle',
      members: [{ agentId: brief.id }],
    });
    await loginInOrder(s, [brief]);
    // The agent is paused (still logged in): callers wait. A normal caller, another, a VIP.
    await s.api('POST', `/api/agents/${brief.id}/pause`, { reason: 'setup' });
    for (const from of ['+390577000002', '+390577000003', VIP]) {
      const joined = nextWaiting();
      await placeCall(ari, { from, to: '0577900101', app: s.app, holdSeconds: 30 });
      await joined;
    }
    await s.api('POST', `/api/agents/${brief.id}/unpause`);
    const order = [];
    for (let i = 0; i < 3; i++) {
      const { entry, result } = await s.nextResult();
      assert.equal(result.kind, 'answered');
      order.push(entry.callerNumber);
    }
    assert.deepEqual(order, [VIP, '+390577000002', '+390577000003']);
  });

  test('overflow after the maximum wait; the flow goes on (the caller hears a message)', async () => {
    await putQueue(s, 'maxwait', {
      number: '0577900102',
      strategy: 'longest-idle',
      maxWaitSeconds: 2,
      // Exercised on the way: a welcome message and a position announcement every second.
      welcomeMedia: 'sound:beep',
      announceSeconds: 1,
      members: [{ agentId: a1.id }],
    });
    await loginInOrder(s, [a1]);
    await s.api('POST', `/api/agents/${a1.id}/pause`, { reason: 'meeting' });
    const t0 = Date.now();
    const result = await queueCall(s, '0577900102', '+390577000004', { holdSeconds: 10 });
    // The caller is handed back promptly, even with an announcement playing.
    assert.ok(Date.now() - t0 < 4000, `result after ${Date.now() - t0} ms`);
    assert.equal(result.kind, 'overflow');
    assert.ok(result.kind === 'overflow' && result.reason === 'max-wait');
    assert.ok(result.waitMs >= 2000 && result.waitMs < 4000, `waited ${result.waitMs} ms`);
  });

  test('nobody logged in → overflow no-agents at once', async () => {
    await putQueue(s, 'empty', {
      number: '0577900103',
      strategy: 'round-robin',
      members: [{ agentId: a2.id }],
    });
    await logoffAll(s, [a2]);
    const result = await queueCall(s, '0577900103', '+390577000005');
    assert.deepEqual(result, { kind: 'overflow', reason: 'no-agents', waitMs: 0 });
  });

  test('a caller who hangs up while waiting is abandoned', async () => {
    // a1 is still paused and logged in: the caller waits, then hangs up after 1 s.
    const result = await queueCall(s, '0577900102', '+390577000006', { holdSeconds: 1 });
    assert.equal(result.kind, 'abandoned');
  });
});

describe('recording', () => {
  test('the call is recorded in stereo: caller left, agent right, both carry audio', async () => {
    await logoffAll(s, [a1, a2, brief]);
    await putQueue(s, 'rec', {
      number: '0577900104',
      strategy: 'longest-idle',
      record: true,
      members: [{ agentId: talker.id }],
    });
    await loginInOrder(s, [talker]);
    const done = s.nextResult('+390577000007');
    await placeCall(ari, {
      from: '+390577000007',
      to: '0577900104',
      app: s.app,
      waitSeconds: 0.5,
      play: 'tt-weasels',
      holdSeconds: 1,
    });
    const { result } = await done;
    assert.equal(agentOf(result), talker.id);
    assert.ok(result.kind === 'answered' && result.recordingId, 'has a recording id');
    const file = archive.files.get(result.recordingId);
    assert.ok(file, 'stored in the archive');
    const wav = splitStereoWav(await readFile(file));
    assert.equal(wav.sampleRate, 8000);
    assert.ok(wav.left.length > 8000, `at least a second of audio, got ${wav.left.length} frames`);
    assert.ok(rms(wav.left) > 100, `caller side carries audio (rms ${rms(wav.left)})`);
    assert.ok(rms(wav.right) > 100, `agent side carries audio (rms ${rms(wav.right)})`);
    const history = await s.acd.repo.callsBetween(s.portalId, 0, Date.now() + 1000, 'rec');
    assert.equal(history[0]?.recordingId, result.recordingId);
  });
});

describe('statistics and API', () => {
  test('stats per queue and per agent over a period', async () => {
    const res = await s.api<{
      queues: {
        queueId: string;
        offered: number;
        answered: number;
        abandoned: number;
        overflowed: number;
      }[];
      agents: { agentId: string; calls: number; talkMs: number }[];
    }>('GET', `/api/acd/stats?from=0&to=${Date.now() + 1000}`);
    assert.equal(res.status, 200);
    const q = Object.fromEntries(res.body.queues.map((x) => [x.queueId, x]));
    assert.deepEqual(
      [
        q.prio?.offered,
        q.prio?.answered,
        q.maxwait?.overflowed,
        q.maxwait?.abandoned,
        q.empty?.overflowed,
      ],
      [3, 3, 1, 1, 1],
    );
    const agent = res.body.agents.find((a) => a.agentId === brief.id);
    assert.equal(agent?.calls, 3);
    assert.ok(agent.talkMs >= 3000, `talked ${agent.talkMs} ms`);
    const other = await fetch(`${s.url}/api/acd/stats?from=0&to=${Date.now()}&portalId=1`, {
      headers: adminAuth,
    });
    assert.deepEqual(((await other.json()) as { queues: unknown[] }).queues, []);
  });

  test('bad input gets a clear error and changes nothing', async () => {
    const bad = await s.api<{ error: { code: string; message: string } }>(
      'POST',
      '/api/acd/agents',
      {
        number: 'abc',
        name: '',
        pin: '12',
      },
    );
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /number: digits only/);
    assert.match(bad.body.error.message, /pin: 4 to 12 digits/);
    const dup = await s.api<{ error: { message: string } }>('POST', '/api/acd/agents', {
      number: '201',
      name: 'again',
      pin: '1234',
      phoneNumber: '+390577000000',
    });
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /taken/);
    const unknown = await s.api('PUT', '/api/acd/queues/x', { name: 'x', strategy: 'nope' });
    assert.equal(unknown.status, 400);
    const noAgent = await s.api('POST', '/api/agents/nobody/login');
    assert.equal(noAgent.status, 404);
    await s.api('POST', `/api/agents/${a2.id}/logoff`);
    const conflict = await s.api('POST', `/api/agents/${a2.id}/pause`, { reason: 'x' });
    assert.equal(conflict.status, 409);
    const list = await s.api<{ agents: { number: string }[] }>('GET', '/api/acd/agents');
    assert.deepEqual(
      list.body.agents.map((a) => a.number),
      ['201', '202', '203', '204'],
    );
  });
});
