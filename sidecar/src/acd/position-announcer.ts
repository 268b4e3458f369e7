// Position announcements to a waiting caller ("there are 2 calls waiting before you").
import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports.ts';
import type { QueueTelephony, Waiter } from './queue-call.ts';

/** What a caller in `position` (1-based) hears. */
export function positionMedia(position: number): string[] {
  return position === 1
    ? ['sound:queue-youarenext']
    : ['sound:queue-thereare', `number:${position - 1}`, 'sound:queue-callswaiting'];
}

export class PositionAnnouncer {
  constructor(
    private readonly telephony: QueueTelephony,
    private readonly log: Logger,
  ) {}

  /**
   * Played into the caller's own bridge, not on the channel: a channel playback would hold the
   * channel in the bridge until it ends, delaying the agent or the overflow.
   */
  announce(waiter: Waiter, position: number): void {
    if (waiter.done || waiter.offer) return;
    const playbackId = randomUUID();
    void (async () => {
      const bridge = await waiter.bridge;
      if (waiter.announcement) await this.telephony.stopPlayback(waiter.announcement);
      if (waiter.done || waiter.offer) return;
      waiter.announcement = playbackId;
      await this.telephony.playOnBridge(bridge.id, positionMedia(position), playbackId);
    })().catch((err: unknown) => {
      if (!waiter.entry.call.isEnded()) this.log.warn({ err }, 'announcement failed');
    });
  }

  /** Stops the caller's announcement, if one plays (an agent answered, the wait ended). */
  async stop(waiter: Waiter): Promise<void> {
    const id = waiter.announcement;
    if (!id) return;
    delete waiter.announcement;
    await this.telephony.stopPlayback(id).catch(() => undefined);
  }
}
