// Hold music on real calls: a caller waiting in a queue (its agent paused) records what it
// hears, and that recording carries audio. Silent hold (no MOH files, a wrong directory, MOH
// not started on the caller's bridge) fails it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import { rms } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import type { QueueEntry } from '../../sidecar/src/acd/port.ts';
import { startAcdSidecar, type AcdTestSidecar } from '../support/acd.ts';
import { createAgent, loginInOrder, putQueue } from '../support/acd-setup.ts';
import { takeStoredRecording } from '../support/heard-audio.ts';
import { ari, testAsterisk } from '../support/env.ts';

let s: AcdTestSidecar;
const waiting: ((e: QueueEntry) => void)[] = [];

before(async () => {
  s = await startAcdSidecar('moh', { onWaiting: (e) => waiting.shift()?.(e) });
  const agent = await createAgent(s, '401', { dial: 'Local/answer@test-callee/n' });
  await putQueue(s, 'hold', {
    number: '0577900201',
    strategy: 'longest-idle',
    members: [{ agentId: agent.id }],
  });
  // Logged in but paused: callers wait (with music) instead of overflowing.
  await loginInOrder(s, [agent]);
  await s.api('POST', `/api/agents/${agent.id}/pause`, { reason: 'hold-music test' });
});

after(async () => {
  await s.shutdown();
});

test('the default MOH class has files', async () => {
  const out = await testAsterisk().cli('moh show files');
  assert.match(out, /Class: default/);
  assert.match(out, /File: \S+/, out);
});

test('a caller waiting in a queue hears hold music', async () => {
  const name = `moh-${randomUUID()}`;
  const from = '+390577000801';
  const joined = new Promise<QueueEntry>((resolve) => waiting.push(resolve));
  const done = s.nextResult(from);
  // The caller records 3 s of what it hears, then hangs up.
  await placeCall(ari, {
    from,
    to: '0577900201',
    app: s.app,
    holdSeconds: 0,
    variables: { LISTEN_NAME: name, LISTEN_S: '3' },
  });
  await joined;
  const { result } = await done;
  assert.equal(result.kind, 'abandoned');

  // Asserts the recording exists (the caller recorded what it heard) and removes it.
  const wav = await takeStoredRecording(name);
  assert.ok(wav.samples.length > 2 * 8000, `recorded ${wav.samples.length} samples`);
  assert.ok(rms(wav.samples) > 300, `the caller hears audio on hold (rms ${rms(wav.samples)})`);
});
