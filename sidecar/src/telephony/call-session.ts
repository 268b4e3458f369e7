// One CallSession per channel in our application. ARI events for the channel are queued and
// handled strictly one at a time, in arrival order; call steps await promises that the
// handlers settle (playback finished, hang-up), so a step never races an event.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import type { AriRest } from './ari-rest.ts';
import {
  CallEndedError,
  type CallChannel,
  type CallEnd,
  type ChannelInfo,
  type DigitOptions,
  type PlaybackOutcome,
} from './port.ts';

export type SessionEvent =
  | { type: 'PlaybackFinished'; playbackId: string; failed: boolean; receivedAt: number }
  | { type: 'ChannelHangupRequest'; cause: string; receivedAt: number }
  | { type: 'ChannelStateChange'; state: string; receivedAt: number }
  | { type: 'ChannelDtmfReceived'; digit: string; receivedAt: number }
  | { type: 'StasisEnd'; receivedAt: number }
  | { type: 'ChannelDestroyed'; cause: string; receivedAt: number };

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class CallSession implements CallChannel {
  readonly startedAt: number;
  readonly ended: Promise<CallEnd>;
  private readonly endSignal = deferred<CallEnd>();
  private readonly queue: SessionEvent[] = [];
  private draining = false;
  private readonly pendingPlaybacks = new Map<string, Deferred<PlaybackOutcome>>();
  private hangupCause: string | undefined;
  private weHungUp = false;
  private end: CallEnd | undefined;
  /** Digits typed and not yet consumed by collectDigits. */
  private digits = '';
  private digitWaiter: (() => void) | undefined;
  /** Stops the prompt playing now when a key is pressed (barge-in), if it asked to. */
  private bargeIn: (() => void) | undefined;

  constructor(
    readonly info: ChannelInfo,
    private readonly ari: AriRest,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Called once per event with the time it waited in the queue (event lag metric). */
    private readonly onEventLag: (ms: number) => void = () => undefined,
  ) {
    this.startedAt = clock.now();
    this.ended = this.endSignal.promise;
  }

  isEnded(): boolean {
    return this.end !== undefined;
  }

  async answer(): Promise<void> {
    this.assertLive();
    await this.ari.answer(this.info.id);
  }

  async play(media: string, opts: { stopOnDigit?: boolean } = {}): Promise<PlaybackOutcome> {
    this.assertLive();
    // A caller who already typed ahead does not want to hear the question again.
    if (opts.stopOnDigit && this.digits.length > 0) return 'done';
    // The id is ours and the waiter is registered before the request: PlaybackFinished can
    // arrive before the HTTP response does.
    const playbackId = randomUUID();
    const waiter = deferred<PlaybackOutcome>();
    this.pendingPlaybacks.set(playbackId, waiter);
    if (opts.stopOnDigit) {
      const stop = () => {
        this.bargeIn = undefined;
        this.ari.stopPlayback(playbackId).catch((err: unknown) => {
          this.log.warn({ err }, 'stopping a prompt on key press failed');
        });
      };
      this.bargeIn = stop;
      void waiter.promise.then(
        () => this.bargeIn === stop && (this.bargeIn = undefined),
        () => this.bargeIn === stop && (this.bargeIn = undefined),
      );
    }
    try {
      await this.ari.play(this.info.id, playbackId, media);
    } catch (err) {
      this.pendingPlaybacks.delete(playbackId);
      if (this.isEnded()) throw new CallEndedError();
      throw err;
    }
    return waiter.promise;
  }

  async hangup(): Promise<void> {
    if (this.isEnded()) return;
    this.weHungUp = true;
    await this.ari.hangup(this.info.id);
  }

  clearDigits(): void {
    this.digits = '';
  }

  async collectDigits(opts: DigitOptions): Promise<string> {
    this.assertLive();
    let got = '';
    for (;;) {
      // Consume what is buffered first.
      while (this.digits.length > 0) {
        const d = this.digits[0]!;
        this.digits = this.digits.slice(1);
        if (opts.terminator !== undefined && d === opts.terminator) return got;
        got += d;
        if (got.length >= opts.max) return got;
      }
      const waitMs =
        got.length === 0 ? opts.firstDigitMs : (opts.interDigitMs ?? opts.firstDigitMs);
      const arrived = await this.nextDigit(waitMs);
      if (!arrived) return got;
    }
  }

  /** True when a digit arrived within `ms`, false on timeout; throws if the call ends. */
  private nextDigit(ms: number): Promise<boolean> {
    if (this.isEnded()) return Promise.reject(new CallEndedError());
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.digitWaiter = undefined;
        resolve(false);
      }, ms);
      void this.ended.then(() => {
        clearTimeout(timer);
        this.digitWaiter = undefined;
        reject(new CallEndedError());
      });
      this.digitWaiter = () => {
        clearTimeout(timer);
        this.digitWaiter = undefined;
        resolve(true);
      };
    });
  }

  /** Feeds one ARI event; handling is serialised per call. */
  push(event: SessionEvent): void {
    this.queue.push(event);
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    // Handlers are synchronous today; the loop still takes one event at a time so that an
    // async handler added later cannot reorder them.
    while (this.queue.length > 0) {
      const event = this.queue.shift()!;
      this.onEventLag(this.clock.now() - event.receivedAt);
      try {
        this.handle(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'call event handler failed');
      }
    }
    this.draining = false;
  }

  private handle(event: SessionEvent): void {
    switch (event.type) {
      case 'PlaybackFinished': {
        const waiter = this.pendingPlaybacks.get(event.playbackId);
        this.pendingPlaybacks.delete(event.playbackId);
        waiter?.resolve(event.failed ? 'failed' : 'done');
        return;
      }
      case 'ChannelHangupRequest':
        this.hangupCause ??= event.cause;
        return;
      case 'ChannelDestroyed':
        this.hangupCause ??= event.cause;
        this.finish(this.weHungUp ? 'us' : 'caller');
        return;
      case 'StasisEnd':
        this.finish(this.weHungUp ? 'us' : 'caller');
        return;
      case 'ChannelDtmfReceived':
        this.digits += event.digit;
        this.bargeIn?.();
        this.digitWaiter?.();
        return;
      case 'ChannelStateChange':
        return;
    }
  }

  /** After an ARI reconnect: settle whatever finished while we were not listening. */
  async resync(stillInApp: boolean): Promise<void> {
    if (!stillInApp) {
      this.finish('lost');
      return;
    }
    for (const [playbackId, waiter] of this.pendingPlaybacks) {
      if (!(await this.ari.playbackExists(playbackId))) {
        this.pendingPlaybacks.delete(playbackId);
        waiter.resolve('done');
      }
    }
  }

  private finish(by: CallEnd['by']): void {
    if (this.end) return;
    this.end = { at: this.clock.now(), cause: this.hangupCause ?? 'Normal Clearing', by };
    for (const waiter of this.pendingPlaybacks.values()) waiter.reject(new CallEndedError());
    this.pendingPlaybacks.clear();
    this.endSignal.resolve(this.end);
  }

  private assertLive(): void {
    if (this.isEnded()) throw new CallEndedError();
  }
}
