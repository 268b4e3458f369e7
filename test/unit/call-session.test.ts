import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AriRest } from '../../sidecar/src/telephony/ari-rest.ts';
import { CallSession } from '../../sidecar/src/telephony/call-session.ts';
import { CallEndedError } from '../../sidecar/src/telephony/port.ts';
import { createLogger } from '../../sidecar/src/ops/logger.ts';

function fakeAri(
  onPlay: (playbackId: string) => void,
): AriRest & { hungUp: string[]; stopped: string[] } {
  const hungUp: string[] = [];
  const stopped: string[] = [];
  return {
    hungUp,
    stopped,
    stopPlayback: (id) => {
      stopped.push(id);
      return Promise.resolve();
    },
    answer: () => Promise.resolve(),
    play: (_c, playbackId) => {
      onPlay(playbackId);
      return Promise.resolve();
    },
    hangup: (id) => {
      hungUp.push(id);
      return Promise.resolve();
    },
    playbackExists: () => Promise.resolve(false),
    channelsInApp: () => Promise.resolve([]),
    originate: () => Promise.resolve(),
  };
}

const info = {
  id: 'ch-1',
  callerNumber: '+390577111222',
  callerName: '',
  args: ['inbound', '100'],
  state: 'Ring',
};
const log = createLogger('silent');

test('a playback finished before the HTTP answer still completes play()', async () => {
  const box: { session?: CallSession } = {};
  const ari = fakeAri((playbackId) =>
    box.session?.push({ type: 'PlaybackFinished', playbackId, failed: false, receivedAt: 0 }),
  );
  box.session = new CallSession(info, ari, { now: () => 0 }, log);
  assert.equal(await box.session.play('sound:hello-world'), 'done');
});

test('hang-up rejects the running step and ends the call once, with the cause', async () => {
  let clock = 1000;
  const session = new CallSession(
    info,
    fakeAri(() => undefined),
    { now: () => clock },
    log,
  );
  const playing = session.play('sound:hello-world');
  clock = 2500;
  session.push({ type: 'ChannelHangupRequest', cause: 'Normal Clearing', receivedAt: clock });
  session.push({ type: 'StasisEnd', receivedAt: clock });
  session.push({ type: 'ChannelDestroyed', cause: 'ignored', receivedAt: clock });
  await assert.rejects(playing, CallEndedError);
  const end = await session.ended;
  assert.deepEqual(end, { at: 2500, cause: 'Normal Clearing', by: 'caller' });
  await assert.rejects(session.answer(), CallEndedError);
});

test('events are handled in arrival order and lag is reported per event', async () => {
  const lags: number[] = [];
  let clock = 100;
  const session = new CallSession(
    info,
    fakeAri(() => undefined),
    { now: () => clock },
    log,
    (ms) => lags.push(ms),
  );
  const first = session.play('a');
  const second = session.play('b');
  await Promise.resolve();
  clock = 130;
  session.push({ type: 'StasisEnd', receivedAt: 120 });
  await assert.rejects(first, CallEndedError);
  await assert.rejects(second, CallEndedError);
  assert.deepEqual(lags, [10]);
});

test('after a reconnect, a channel that vanished ends its session as lost', async () => {
  const session = new CallSession(
    info,
    fakeAri(() => undefined),
    { now: () => 5 },
    log,
  );
  await session.resync(false);
  assert.equal((await session.ended).by, 'lost');
});

test('a prompt with stopOnDigit stops at the first key (barge-in) and is skipped when typed ahead', async () => {
  let playbackId = '';
  const ari = fakeAri((id) => (playbackId = id));
  const session = new CallSession(info, ari, { now: () => 0 }, log);
  const playing = session.play('sound:menu', { stopOnDigit: true });
  await new Promise((r) => setImmediate(r));
  session.push({ type: 'ChannelDtmfReceived', digit: '2', receivedAt: 0 });
  assert.deepEqual(ari.stopped, [playbackId]);
  session.push({ type: 'PlaybackFinished', playbackId, failed: false, receivedAt: 0 });
  assert.equal(await playing, 'done');
  // The key is still there for the menu, and a second prompt is not played at all.
  let played = 0;
  const ari2 = fakeAri(() => (played += 1));
  const typedAhead = new CallSession(info, ari2, { now: () => 0 }, log);
  typedAhead.push({ type: 'ChannelDtmfReceived', digit: '1', receivedAt: 0 });
  assert.equal(await typedAhead.play('sound:menu', { stopOnDigit: true }), 'done');
  assert.equal(played, 0);
  assert.equal(await typedAhead.collectDigits({ max: 1, firstDigitMs: 10 }), '1');
  assert.equal(await session.collectDigits({ max: 1, firstDigitMs: 10 }), '2');
  // Without stopOnDigit a key press does not interrupt.
  const plain = session.play('sound:info');
  await new Promise((r) => setImmediate(r));
  session.push({ type: 'ChannelDtmfReceived', digit: '3', receivedAt: 0 });
  assert.equal(ari.stopped.length, 1);
  session.push({ type: 'PlaybackFinished', playbackId, failed: false, receivedAt: 0 });
  assert.equal(await plain, 'done');
});
