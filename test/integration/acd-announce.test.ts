// Position announcements on real calls, checked on the audio the callers recorded. Two callers
// wait in a queue whose only agent is paused; each hears one announcement (announceSeconds 10,
// 18 s recorded). The prompts, decoded by Asterisk, are found in the recordings by normalised
// cross-correlation: the first caller hears "you are next", the second "there are" · "1" ·
// "calls waiting", in that order; music plays before and after the announcement, not under it.
// A third caller waits in a queue with a hold message and no position: it hears the message,
// with the same pause in the music, and no position prompt.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import type { PcmMono } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import type { QueueEntry } from '../../sidecar/src/acd/port.ts';
import type { AnnouncementReport } from '../../sidecar/src/acd/queue-call.ts';
import { startAcdSidecar, type AcdTestSidecar } from '../support/acd.ts';
import { createAgent, loginInOrder, putQueue } from '../support/acd-setup.ts';
import { bestMatch, residual, rmsBetween, type Match } from '../support/audio-match.ts';
import { ari } from '../support/env.ts';
import { decodedPrompt, takeStoredRecording } from '../support/heard-audio.ts';

// One announcement each (at ~10 s, ~5.5 s long) with music on both sides; the callers hang up
// before the next one (~20 s).
const ANNOUNCE_S = 10;
const LISTEN_S = 18;
const RATE = 8000;
/** A prompt is in the recording when it correlates this well at its best lag. */
const HEARD = 0.8;
/** …and absent when it stays below this. */
const NOT_HEARD = 0.5;
/** Music is playing: the hold music measures 700–800 RMS (fading in: ~350 over its first
 * 2.5 s), a bridge with nothing playing under 25. */
const MUSIC_RMS = 150;
const POSITION_2 = ['queue-thereare', 'digits/1', 'queue-callswaiting'] as const;
const POSITION_1 = ['queue-youarenext'] as const;
/** The hold message (7.8 s): its queue announces every 12 s, its caller records 23 s. */
const HOLD_MESSAGE = ['queue-periodic-announce'] as const;
const HOLD_ANNOUNCE_S = 12;
const HOLD_LISTEN_S = 23;

let s: AcdTestSidecar;
const waiting: ((e: QueueEntry) => void)[] = [];
const prompts = new Map<string, Int16Array>();
const heard: { first?: PcmMono; second?: PcmMono; holding?: PcmMono } = {};
/** What the sidecar says it announced to each caller, and when (ms after the caller joined). */
const joinedAt = new Map<string, number>();
const announced = new Map<string, (AnnouncementReport & { endedMs: number })[]>();

before(async () => {
  s = await startAcdSidecar('announce', {
    onWaiting: (e) => {
      joinedAt.set(e.callerNumber!, performance.now());
      waiting.shift()?.(e);
    },
    onAnnouncement: (e, report) => {
      const endedMs = performance.now() - joinedAt.get(e.callerNumber!)!;
      console.log(
        `${e.callerNumber}: ${report.outcome} ${report.media.join(' ')} ending ${endedMs.toFixed(0)} ms after joining${report.error ? `: ${report.error}` : ''}`,
      );
      announced.set(e.callerNumber!, [
        ...(announced.get(e.callerNumber!) ?? []),
        { ...report, endedMs },
      ]);
    },
  });
  const agent = await createAgent(s, '451', { dial: 'Local/answer@test-callee/n' });
  await putQueue(s, 'announce', {
    number: '0577900301',
    strategy: 'longest-idle',
    maxWaitSeconds: 120,
    announceSeconds: ANNOUNCE_S,
    members: [{ agentId: agent.id }],
  });
  await putQueue(s, 'holdmsg', {
    number: '0577900302',
    strategy: 'longest-idle',
    maxWaitSeconds: 120,
    announceSeconds: HOLD_ANNOUNCE_S,
    holdMessageMedia: `sound:${HOLD_MESSAGE[0]}`,
    announcePosition: false,
    members: [{ agentId: agent.id }],
  });
  // Logged in but paused: callers wait instead of overflowing.
  await loginInOrder(s, [agent]);
  await s.api('POST', `/api/agents/${agent.id}/pause`, { reason: 'announcement test' });
  for (const p of [...POSITION_2, ...POSITION_1, ...HOLD_MESSAGE])
    prompts.set(p, (await decodedPrompt(p)).samples);

  // The second caller joins while the first still waits: positions 1 and 2.
  const listen = async (from: string, to = '0577900301', listenS = LISTEN_S) => {
    const name = `announce-${randomUUID()}`;
    const joined = new Promise<QueueEntry>((resolve) => waiting.push(resolve));
    const done = s.nextResult(from);
    await placeCall(ari, {
      from,
      to,
      app: s.app,
      holdSeconds: 0,
      variables: { LISTEN_NAME: name, LISTEN_S: String(listenS) },
    });
    await joined;
    return { name, done };
  };
  const first = await listen('+390577000901');
  const second = await listen('+390577000902');
  const holding = await listen('+390577000903', '0577900302', HOLD_LISTEN_S);
  for (const [c, listenS] of [
    [first, LISTEN_S],
    [second, LISTEN_S],
    [holding, HOLD_LISTEN_S],
  ] as const) {
    const { result } = await c.done;
    assert.equal(result.kind, 'abandoned', 'the callers hung up after listening');
    // Left early (the call cut off), a caller hears no announcement: say so, not "not heard".
    assert.ok(
      result.waitMs >= (listenS - 1) * 1000,
      `${c.name} waited only ${result.waitMs} ms of its ${listenS} s`,
    );
  }
  heard.first = await takeStoredRecording(first.name);
  heard.second = await takeStoredRecording(second.name);
  heard.holding = await takeStoredRecording(holding.name);
  for (const [who, rec] of Object.entries(heard))
    console.log(`${who}: recorded ${seconds(rec.samples.length)} s`);
});

after(async () => {
  await s.shutdown();
});

const seconds = (samples: number) => (samples / RATE).toFixed(2);

/** The sidecar's side first: it played the caller exactly this announcement, to its end. */
function assertAnnounced(caller: string, media: readonly string[]) {
  const reports = announced.get(caller) ?? [];
  assert.ok(reports.length > 0, `${caller}: no announcement reported while it waited`);
  const [first] = reports;
  assert.deepEqual(first!.media, media, `${caller}: what was announced`);
  assert.equal(
    first!.outcome,
    'played',
    `${caller}: announcement ${first!.outcome} ${first!.error ?? ''}`,
  );
}
const prompt = (name: string) => prompts.get(name)!;

const found = new Map<string, Match>();

/** Each prompt's best place in the whole recording, printed with its score (once). */
function find(who: string, rec: PcmMono, names: readonly string[]): Match[] {
  assert.equal(rec.sampleRate, RATE);
  return names.map((n) => {
    const key = `${who}\u0000${n}`;
    let m = found.get(key);
    if (!m) {
      m = bestMatch(rec.samples, prompt(n));
      found.set(key, m);
      console.log(`${who}: ${n} score ${m.score.toFixed(3)} at ${seconds(m.lag)} s`);
    }
    return m;
  });
}

/** The same prompts against music only (before the announcement): must score far lower. */
function musicAloneScores(who: string, rec: PcmMono, names: readonly string[], until: number) {
  const music = rec.samples.subarray(0, until);
  return names.map((n) => {
    const score = bestMatch(music, prompt(n)).score;
    console.log(`${who}: ${n} against music alone ${score.toFixed(3)}`);
    return score;
  });
}

/**
 * Music up to the announcement and after it, nothing but the prompts during it: RMS of the
 * windows around it, and of what is left inside once the matched prompts are taken out.
 */
function assertMusicPausedFor(who: string, rec: PcmMono, names: readonly string[], m: Match[]) {
  const start = m[0]!.lag;
  const end = m.at(-1)!.lag + prompt(names.at(-1)!).length;
  const margin = 0.2 * RATE;
  // The music fades in over its first second, at the call's start and (restarted from the
  // top of the class's first file) after the announcement: windows long enough to include it.
  const before = rmsBetween(rec.samples, 1 * RATE, start - margin);
  const afterTo = Math.min(rec.samples.length, end + margin + 2.5 * RATE);
  const afterwards = rmsBetween(rec.samples, end + margin, afterTo);
  const parts = names.map((n, i) => ({ reference: prompt(n), match: m[i]! }));
  const left = rmsBetween(residual(rec.samples, parts, start, end), 0, end - start);
  console.log(
    `${who}: announcement ${seconds(start)}–${seconds(end)} s; rms music before ${before.toFixed(0)}, ` +
      `after ${afterwards.toFixed(0)} (${seconds(afterTo - end)} s); left under the prompts ${left.toFixed(0)}`,
  );
  assert.ok(before > MUSIC_RMS, `${who} hears music before the announcement (rms ${before})`);
  assert.ok(afterTo - end >= 1.5 * RATE, `${who}: the recording goes on after it`);
  assert.ok(afterwards > MUSIC_RMS, `${who} hears music again after it (rms ${afterwards})`);
  assert.ok(
    left < 0.2 * before,
    `${who}: no music under the announcement (rms ${left} left vs music ${before})`,
  );
}

test('the caller in position 2 hears "there are" · "1" · "calls waiting", in order, and not "you are next"', () => {
  assertAnnounced('+390577000902', [
    'sound:queue-thereare',
    'number:1',
    'sound:queue-callswaiting',
  ]);
  const rec = heard.second!;
  const m = find('position 2', rec, POSITION_2);
  for (const [i, n] of POSITION_2.entries())
    assert.ok(m[i]!.score >= HEARD, `${n} heard (score ${m[i]!.score})`);
  // One after the other, each starting at most 0.5 s after the previous one ended.
  for (let i = 1; i < m.length; i++) {
    const prevEnd = m[i - 1]!.lag + prompt(POSITION_2[i - 1]!).length;
    const gap = m[i]!.lag - prevEnd;
    assert.ok(gap > -0.05 * RATE && gap < 0.5 * RATE, `${POSITION_2[i]} follows (gap ${gap})`);
  }
  const [wrong] = find('position 2', rec, POSITION_1);
  assert.ok(wrong!.score < NOT_HEARD, `no "you are next" for position 2 (${wrong!.score})`);
  for (const score of musicAloneScores('position 2', rec, POSITION_2, m[0]!.lag))
    assert.ok(score < NOT_HEARD, `music alone scores far lower (${score})`);
});

test('the caller in position 1 hears "you are next", and not "there are"', () => {
  assertAnnounced('+390577000901', ['sound:queue-youarenext']);
  const rec = heard.first!;
  const [next] = find('position 1', rec, POSITION_1);
  assert.ok(next!.score >= HEARD, `you are next heard (score ${next!.score})`);
  const [wrong] = find('position 1', rec, ['queue-thereare']);
  assert.ok(wrong!.score < NOT_HEARD, `no "there are" for position 1 (${wrong!.score})`);
  for (const score of musicAloneScores('position 1', rec, POSITION_1, next!.lag))
    assert.ok(score < NOT_HEARD, `music alone scores far lower (${score})`);
});

test('a queue with a hold message and no position: the message, and no position prompt', () => {
  assertAnnounced('+390577000903', [`sound:${HOLD_MESSAGE[0]}`]);
  const rec = heard.holding!;
  const [message] = find('hold message', rec, HOLD_MESSAGE);
  assert.ok(message!.score >= HEARD, `hold message heard (score ${message!.score})`);
  for (const m of find('hold message', rec, [...POSITION_1, 'queue-thereare']))
    assert.ok(m.score < NOT_HEARD, `no position prompt (${m.score})`);
  for (const score of musicAloneScores('hold message', rec, HOLD_MESSAGE, message!.lag))
    assert.ok(score < NOT_HEARD, `music alone scores far lower (${score})`);
});

test('the music stops for the announcement and comes back after it', () => {
  for (const [who, rec, names] of [
    ['position 2', heard.second!, POSITION_2],
    ['position 1', heard.first!, POSITION_1],
    ['hold message', heard.holding!, HOLD_MESSAGE],
  ] as const)
    assertMusicPausedFor(who, rec, names, find(who, rec, names));
});
