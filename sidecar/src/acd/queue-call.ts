// A caller's stay in the ACD, from joining a waiting line until the last agent's conversation
// ends, and the telephony the ACD needs. Shared by the dispatcher (queue-service.ts), the
// conversations, transfers and announcements.
import type { CallChannel, Telephony } from '../telephony/port.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import type { QueueConfig } from './directory.ts';
import type { Waiting } from './domain/waiting-line.ts';
import type { QueueEntry, QueueResult } from './port.ts';
import type { AgentRegistry } from './presence.ts';

export interface QueueTelephony extends Pick<Telephony, 'originate'> {
  bridge(name?: string): Promise<BridgeHandle>;
  /** Hangs up a channel by id (an agent leg that still rings); ignores a channel already gone. */
  hangupChannel(channelId: string): Promise<void>;
  /** Plays media in sequence into a bridge (ringback to an agent who consults). */
  playOnBridge(bridgeId: string, media: readonly string[], playbackId: string): Promise<void>;
  /**
   * Plays media in sequence into a bridge and resolves when it has finished (PlaybackFinished),
   * or, once `stop` is aborted, when it has been stopped, even if the abort came while the play
   * request was still under way.
   */
  playOnBridgeToEnd(
    bridgeId: string,
    media: readonly string[],
    playbackId: string,
    stop: AbortSignal,
  ): Promise<void>;
  /** Stops a playback; ignores one already finished. */
  stopPlayback(playbackId: string): Promise<void>;
  /**
   * Music on hold on one channel: the waiting caller, alone in its bridge. Channel music, not
   * bridge music: ARI bridge music is an extra announcer channel pair and mixing thread per
   * bridge, which at 300 waiting callers cost Asterisk twice the CPU (see docs/ARCHITECTURE.md).
   */
  startMusic(channelId: string, mohClass?: string): Promise<void>;
  /** Stops a channel's music; ignores a channel already gone. */
  stopMusic(channelId: string): Promise<void>;
}

/** Music for the caller while it waits (or holds during a transfer). */
export function startHoldMusic(telephony: QueueTelephony, waiter: Waiter, mohClass?: string) {
  return telephony.startMusic(waiter.entry.call.info.id, mohClass);
}

/** Off before anyone else hears the caller's bridge: an agent, a colleague, an announcement. */
export function stopHoldMusic(telephony: QueueTelephony, waiter: Waiter) {
  return telephony.stopMusic(waiter.entry.call.info.id);
}

export interface QueueServiceHooks {
  /** StasisStart of the caller → agent leg dial request sent (bench metric). */
  onAgentDialled?(ms: number): void;
  /** A caller joined a waiting line (tests and live views). */
  onWaiting?(entry: QueueEntry): void;
  /** Every finished queue call (tests and live views). */
  onResult?(entry: QueueEntry, result: QueueResult): void;
  /** An announcement to a waiting caller is over: played to its end, stopped or failed. */
  onAnnouncement?(entry: QueueEntry, report: AnnouncementReport): void;
}

export interface AnnouncementReport {
  media: readonly string[];
  /** 'stopped': the wait ended under it (an agent answered, the caller hung up). */
  outcome: 'played' | 'stopped' | 'failed';
  /** Why it failed, for the log and tests. */
  error?: string;
}

/** An agent leg being dialled for a waiting caller. */
export interface Offer {
  agentId: string;
  channelId: string;
}

export interface Waiter extends Waiting {
  id: string;
  /** The waiting line this caller is in (account + queue), see lineKey. */
  key: string;
  entry: QueueEntry;
  /** The caller's own mixing bridge: the caller waits alone in it, the agent leg joins it. */
  bridge: Promise<BridgeHandle>;
  offer?: Offer;
  /** Agents who already failed this caller (busy, rejected, no answer) in this wait. */
  tried: Set<string>;
  /** Left the waiting line (answered, abandoned or overflowed). */
  done: boolean;
  stickyAgentId: string | null;
  talkMs?: ReadonlyMap<string, number>;
  timers: NodeJS.Timeout[];
  /** Bumped by every transfer: a conversation whose segment is stale was transferred away. */
  segment: number;
  /** The position announcement playing into the caller's bridge, if any. */
  announcement?: Announcement;
  /** Transfer to one agent: only this agent is offered the caller (once). */
  onlyAgentId?: string;
  settle(result: QueueResult): void;
}

/** A position announcement in progress (position-announcer.ts). */
export interface Announcement {
  /** Aborted when the wait ends: the playback stops and the music does not come back. */
  readonly stop: AbortController;
  /** Settles when nothing of the announcement is in flight any more (music request included). */
  done: Promise<void>;
}

/** What conversations and transfers ask of the waiting lines. */
export interface WaitingLines {
  /** Puts the caller (back) in its queue's line, with its timers, and dispatches. */
  join(waiter: Waiter, queue: QueueConfig): void;
  /** Takes the caller out of its line and stops its timers. */
  leave(waiter: Waiter): void;
}

export class QueueNotFoundError extends Error {
  readonly code = 'QUEUE_NOT_FOUND';
  constructor(portalId: string, queueId: string) {
    super(`no queue ${queueId} in account ${portalId}`);
    this.name = 'QueueNotFoundError';
  }
}

export const lineKey = (portalId: string, id: string) => `${portalId}\u0000${id}`;

/** The leg rang the whole attempt (not refused early as busy or rejected). */
export function ringTimedOut(queue: QueueConfig, elapsedMs: number): boolean {
  return elapsedMs >= queue.row.ringSeconds * queue.row.maxRings * 1000 - 750;
}

/**
 * An offered agent's leg failed. Rang out without an answer: Q3 auto-pause with the reason;
 * busy or rejected legs only make the agent available again.
 */
export async function agentDidNotAnswer(
  agents: AgentRegistry,
  portalId: string,
  agentId: string,
  queue: QueueConfig,
  rangOut: boolean,
): Promise<void> {
  if (rangOut)
    await agents.apply(portalId, agentId, {
      type: 'pause',
      reason: `no answer after ${queue.row.maxRings} rings`,
    });
  else await agents.apply(portalId, agentId, { type: 'offer-failed' });
}

/**
 * Rings an agent's phone for a queue caller: the whole attempt (maxRings × ringSeconds), with
 * the caller's number shown, under our channel id so the leg can be cancelled while it rings.
 */
export function dialAgent(
  telephony: QueueTelephony,
  dial: string,
  queue: QueueConfig,
  waiter: Waiter,
  channelId: string,
): Promise<CallChannel> {
  return telephony.originate({
    endpoint: dial,
    timeoutSec: queue.row.ringSeconds * queue.row.maxRings,
    channelId,
    // As Dial() does: the agent leg takes the caller's codecs and linked id.
    originator: waiter.entry.call.info.id,
    ...(waiter.entry.callerNumber ? { callerId: waiter.entry.callerNumber } : {}),
    args: ['acd-agent', waiter.entry.queueId],
  });
}
