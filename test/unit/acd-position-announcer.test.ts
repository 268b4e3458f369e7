// The announcer's ordering with the caller's music, on a scripted bridge: the orders that real
// calls reach only by chance (an agent answering mid-announcement, or just as the music
// restarts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  announcementMedia,
  PositionAnnouncer,
  positionMedia,
} from '../../sidecar/src/acd/position-announcer.ts';
import type {
  AnnouncementReport,
  QueueTelephony,
  Waiter,
} from '../../sidecar/src/acd/queue-call.ts';
import type { BridgeHandle } from '../../sidecar/src/telephony/bridges.ts';

const silentLog = {
  warn: () => undefined,
  debug: () => undefined,
} as unknown as ConstructorParameters<typeof PositionAnnouncer>[1];

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setImmediate(r));

/** A bridge and playback that record what was asked, in order; the test ends each playback. */
function rig() {
  const log: string[] = [];
  const reports: AnnouncementReport[] = [];
  const playing: { media: readonly string[]; finish(): void; fail(): void }[] = [];
  let startMoh: Promise<void> | undefined;
  const bridge = { id: 'b1' } as unknown as BridgeHandle;
  const telephony = {
    stopMusic: (channelId: string) => {
      log.push(`stopMoh ${channelId}`);
      return Promise.resolve();
    },
    startMusic: (channelId: string, cls?: string) => {
      log.push(`startMoh ${channelId} ${cls}`);
      return startMoh ?? Promise.resolve();
    },
    playOnBridgeToEnd: (_bridge: string, media: readonly string[], _id: string, stop) => {
      log.push(`play ${media.join(' ')}`);
      const d = deferred();
      playing.push({ media, finish: d.resolve, fail: () => d.reject(new Error('no such file')) });
      stop.addEventListener('abort', () => {
        log.push('stopped');
        d.resolve();
      });
      return d.promise;
    },
  } as Partial<QueueTelephony> as QueueTelephony;
  let ended = false;
  const waiter = {
    done: false,
    bridge: Promise.resolve(bridge),
    entry: { call: { info: { id: 'caller' }, isEnded: () => ended } },
  } as unknown as Waiter;
  return {
    log,
    reports,
    playing,
    waiter,
    announcer: new PositionAnnouncer(telephony, silentLog, (_w, report) => reports.push(report)),
    holdStartMoh: (p: Promise<void>) => {
      startMoh = p;
    },
    hangUp: () => (ended = true),
  };
}

test('positions: 1 is "you are next", n is "there are n-1 calls waiting"', () => {
  assert.deepEqual(positionMedia(1), ['sound:queue-youarenext']);
  assert.deepEqual(positionMedia(3), [
    'sound:queue-thereare',
    'number:2',
    'sound:queue-callswaiting',
  ]);
});

test('each tick: the hold message, then the position, each switched per queue', () => {
  const busy = 'sound:queue-periodic-announce';
  assert.deepEqual(announcementMedia({ holdMessageMedia: busy, announcePosition: true }, 1), [
    busy,
    'sound:queue-youarenext',
  ]);
  assert.deepEqual(announcementMedia({ holdMessageMedia: busy, announcePosition: false }, 3), [
    busy,
  ]);
  assert.deepEqual(announcementMedia({ holdMessageMedia: null, announcePosition: true }, 2), [
    'sound:queue-thereare',
    'number:1',
    'sound:queue-callswaiting',
  ]);
  assert.deepEqual(announcementMedia({ holdMessageMedia: null, announcePosition: false }, 2), []);
});

test('the music pauses for the announcement and comes back, in the queue class, after it', async () => {
  const r = rig();
  r.announcer.announce(r.waiter, positionMedia(2), 'jazz');
  await settle();
  assert.deepEqual(r.log, [
    'stopMoh caller',
    'play sound:queue-thereare number:1 sound:queue-callswaiting',
  ]);
  r.playing[0]!.finish();
  await settle();
  assert.deepEqual(r.log.slice(2), ['startMoh caller jazz']);
  assert.equal(r.waiter.announcement, undefined, 'the next tick may announce again');
  assert.deepEqual(r.reports, [{ media: positionMedia(2), outcome: 'played' }]);
});

test('an agent answering mid-announcement: the playback stops and the music stays off', async () => {
  const r = rig();
  r.announcer.announce(r.waiter, positionMedia(1));
  await settle();
  r.waiter.done = true;
  await r.announcer.stop(r.waiter);
  await settle();
  assert.deepEqual(r.log, ['stopMoh caller', 'play sound:queue-youarenext', 'stopped']);
  assert.deepEqual(r.reports, [{ media: positionMedia(1), outcome: 'stopped' }]);
});

test('stop() waits for a music restart already sent, so the agent joins after it', async () => {
  const r = rig();
  const moh = deferred();
  r.holdStartMoh(moh.promise);
  r.announcer.announce(r.waiter, positionMedia(1));
  await settle();
  r.playing[0]!.finish();
  await settle();
  assert.equal(r.log.at(-1), 'startMoh caller undefined');
  r.waiter.done = true;
  let stopped = false;
  const stopping = r.announcer.stop(r.waiter).then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'stop() returned while the music request was in flight');
  moh.resolve();
  await stopping;
});

test('a failed playback brings the music back; a caller who hung up gets none', async () => {
  const r = rig();
  r.announcer.announce(r.waiter, positionMedia(1));
  await settle();
  r.playing[0]!.fail();
  await settle();
  assert.equal(r.log.at(-1), 'startMoh caller undefined');
  assert.deepEqual(r.reports, [
    { media: positionMedia(1), outcome: 'failed', error: 'Error: no such file' },
  ]);

  const gone = rig();
  gone.announcer.announce(gone.waiter, positionMedia(1));
  await settle();
  gone.hangUp();
  gone.playing[0]!.finish();
  await settle();
  assert.deepEqual(gone.log, ['stopMoh caller', 'play sound:queue-youarenext']);
});

test('no announcement over one still playing, while an agent rings, or after the wait', async () => {
  const r = rig();
  r.announcer.announce(r.waiter, positionMedia(2));
  await settle();
  r.announcer.announce(r.waiter, positionMedia(1));
  await settle();
  assert.equal(r.playing.length, 1, 'the tick during an announcement is skipped');
  r.playing[0]!.finish();
  await settle();
  r.waiter.offer = { agentId: 'a1', channelId: 'c1' };
  r.announcer.announce(r.waiter, positionMedia(1));
  delete r.waiter.offer;
  r.waiter.done = true;
  r.announcer.announce(r.waiter, positionMedia(1));
  await settle();
  assert.equal(r.playing.length, 1);
});
