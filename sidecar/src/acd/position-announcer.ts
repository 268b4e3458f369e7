// Announcements to a waiting caller: the queue's hold message ("all our operators are busy…")
// and the caller's position ("there are 2 calls waiting before you"). As in app_queue, the hold
// music pauses while the announcement plays and comes back when it ends, but only while the
// caller still waits: never onto a conversation with an agent.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports.ts';
import {
  startHoldMusic,
  stopHoldMusic,
  type Announcement,
  type AnnouncementReport,
  type QueueTelephony,
  type Waiter,
} from './queue-call.ts';

/** What a caller in `position` (1-based) hears. */
export function positionMedia(position: number): string[] {
  return position === 1
    ? ['sound:queue-youarenext']
    : ['sound:queue-thereare', `number:${position - 1}`, 'sound:queue-callswaiting'];
}

/** What a waiting caller hears at each announcement tick: the hold message, then the position. */
export function announcementMedia(
  queue: { holdMessageMedia: string | null; announcePosition: boolean },
  position: number,
): string[] {
  return [
    ...(queue.holdMessageMedia ? [queue.holdMessageMedia] : []),
    ...(queue.announcePosition ? positionMedia(position) : []),
  ];
}

const stillWaiting = (waiter: Waiter) => !waiter.done && !waiter.entry.call.isEnded();

export class PositionAnnouncer {
  constructor(
    private readonly telephony: QueueTelephony,
    private readonly log: Logger,
    private readonly onReport?: (waiter: Waiter, report: AnnouncementReport) => void,
  ) {}

  /**
   * Played into the caller's own bridge, not on the channel: a channel playback would hold the
   * channel in the bridge until it ends, delaying the agent or the overflow. One at a time: a
   * tick that comes while an announcement plays is skipped rather than cutting it off.
   */
  announce(waiter: Waiter, media: readonly string[], mohClass?: string): void {
    if (waiter.announcement || waiter.offer || !stillWaiting(waiter)) return;
    const announcement: Announcement = { stop: new AbortController(), done: Promise.resolve() };
    waiter.announcement = announcement;
    const { signal } = announcement.stop;
    announcement.done = this.play(waiter, signal, media, mohClass)
      .then(
        (): AnnouncementReport => ({ media, outcome: signal.aborted ? 'stopped' : 'played' }),
        (err: unknown): AnnouncementReport => {
          if (!waiter.entry.call.isEnded()) this.log.warn({ err }, 'announcement failed');
          return { media, outcome: 'failed', error: String(err) };
        },
      )
      .then((report) => this.onReport?.(waiter, report))
      .finally(() => {
        if (waiter.announcement === announcement) delete waiter.announcement;
      });
  }

  private async play(
    waiter: Waiter,
    stop: AbortSignal,
    media: readonly string[],
    mohClass?: string,
  ) {
    const bridge = await waiter.bridge;
    if (stop.aborted) return;
    await stopHoldMusic(this.telephony, waiter);
    try {
      if (stop.aborted) return;
      await this.telephony.playOnBridgeToEnd(bridge.id, media, randomUUID(), stop);
    } finally {
      // Checked when the playback is over, failed or not. stop() aborts before an agent joins
      // the bridge and waits for this request, so the music cannot land on the conversation.
      if (!stop.aborted && stillWaiting(waiter))
        await startHoldMusic(this.telephony, waiter, mohClass);
    }
  }

  /**
   * Ends the caller's announcement, if one plays (an agent answered, the wait ended): stops the
   * playback, and resolves once nothing of it is in flight, so the caller's next step (agent
   * joining, bridge torn down) comes after it and the music stays off.
   */
  async stop(waiter: Waiter): Promise<void> {
    const announcement = waiter.announcement;
    if (!announcement) return;
    announcement.stop.abort();
    await announcement.done;
  }
}
