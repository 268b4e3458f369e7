// BridgePlaybacks against a scripted ARI client: PlaybackFinished settles by playback id, even
// when it comes before the HTTP answer, and a stop asked for during the request is sent after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from 'ari-client';
import { BridgePlaybacks } from '../../sidecar/src/acd/bridge-playbacks.ts';

const silentLog = { debug: () => undefined } as unknown as ConstructorParameters<
  typeof BridgePlaybacks
>[1];

function rig() {
  const listeners: ((e: unknown) => void)[] = [];
  const sent: string[] = [];
  let answerPlay: () => void = () => undefined;
  const client = {
    bridges: {
      play: (p: { bridgeId: string; media: string[]; playbackId: string }) => {
        sent.push(`play ${p.bridgeId} ${p.media.join(' ')} ${p.playbackId}`);
        return new Promise<void>((resolve) => (answerPlay = resolve));
      },
    },
    playbacks: {
      stop: (p: { playbackId: string }) => {
        sent.push(`stop ${p.playbackId}`);
        return Promise.resolve();
      },
    },
  } as unknown as Client;
  const playbacks = new BridgePlaybacks(
    {
      client: () => client,
      onEvent: (type, l) => {
        assert.equal(type, 'PlaybackFinished');
        listeners.push(l);
        return () => undefined;
      },
    },
    silentLog,
  );
  const finished = (id: string) => {
    for (const l of listeners) l({ type: 'PlaybackFinished', playback: { id } });
  };
  return { playbacks, sent, finished, answerPlay: () => answerPlay() };
}

const settle = () => new Promise((r) => setImmediate(r));

test('resolves on its own PlaybackFinished, also one that beats the HTTP answer', async () => {
  const r = rig();
  let done = false;
  const play = r.playbacks
    .playToEnd('b1', ['sound:x'], 'p1', new AbortController().signal)
    .then(() => (done = true));
  r.finished('other');
  r.finished('p1');
  await settle();
  assert.equal(done, false, 'not before the request was answered');
  r.answerPlay();
  await play;
  assert.deepEqual(r.sent, ['play b1 sound:x p1']);
});

test('waits for the end, not for another playback', async () => {
  const r = rig();
  let done = false;
  const play = r.playbacks
    .playToEnd('b1', ['sound:x'], 'p2', new AbortController().signal)
    .then(() => (done = true));
  r.answerPlay();
  r.finished('other');
  await settle();
  assert.equal(done, false);
  r.finished('p2');
  await play;
});

test('a stop asked for while the request is under way is sent once the playback exists', async () => {
  const r = rig();
  const stop = new AbortController();
  const play = r.playbacks.playToEnd('b1', ['sound:x'], 'p3', stop.signal);
  stop.abort();
  await settle();
  assert.deepEqual(r.sent, ['play b1 sound:x p3']);
  r.answerPlay();
  await play;
  assert.deepEqual(r.sent, ['play b1 sound:x p3', 'stop p3']);
});
