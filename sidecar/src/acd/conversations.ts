// A queue caller talking with an agent: the agent's leg joins the caller's bridge (recorded in
// stereo when the queue says so), the agent is busy until either side hangs up, then the
// call's history is written and the caller's wait is settled. A transfer bumps the caller's
// segment: the conversation that ends then was only this agent's part of the call.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import type { AgentCallChanges } from './agent-call-changes.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import type { CallChannel } from '../telephony/port.ts';
import type { QueueConfig } from './directory.ts';
import type { QueueResult } from './port.ts';
import type { PositionAnnouncer } from './position-announcer.ts';
import type { AgentRegistry } from './presence.ts';
import { lineKey, stopHoldMusic, type QueueTelephony, type Waiter } from './queue-call.ts';
import type { QueueHistory } from './queue-history.ts';
import type { ActiveRecording, StereoRecorder } from './recorder.ts';

/** A caller talking with an agent, by agent: what a transfer needs. */
export interface Conversation {
  waiter: Waiter;
  agentId: string;
  /** The agent's leg. */
  leg: CallChannel;
  queue: QueueConfig;
  /**
   * The agent left the caller's bridge to consult a colleague (attended transfer): when the
   * agent's leg ends now, the consultation, not this conversation, goes on with the caller.
   */
  consulting: boolean;
}

export class Conversations {
  private readonly talking = new Map<string, Conversation>();

  constructor(
    private readonly deps: {
      agents: AgentRegistry;
      clock: Clock;
      log: Logger;
      history: QueueHistory;
      announcer: PositionAnnouncer;
      telephony: QueueTelephony;
      recorder?: StereoRecorder | undefined;
      changes: AgentCallChanges;
    },
  ) {}

  /** The conversation `agentId` is in now, if any. */
  of(portalId: string, agentId: string): Conversation | undefined {
    return this.talking.get(lineKey(portalId, agentId));
  }

  /** The conversation whose agent leg is `channelId` (a transfer keyed on the agent's phone). */
  byAgentLeg(channelId: string): Conversation | undefined {
    for (const conv of this.talking.values()) if (conv.leg.info.id === channelId) return conv;
    return undefined;
  }

  /** Channels of the caller's bridge while `agentId` talks (tests check there is one agent leg). */
  async bridgedWith(portalId: string, agentId: string): Promise<string[] | null> {
    const conv = this.of(portalId, agentId);
    if (!conv) return null;
    return (await conv.waiter.bridge).channels();
  }

  /**
   * Bridges the agent's answered leg with the caller and holds until either hangs up. The
   * caller has already left the waiting line.
   */
  async talk(waiter: Waiter, queue: QueueConfig, agentId: string, leg: CallChannel): Promise<void> {
    const { agents, clock, log } = this.deps;
    const { entry } = waiter;
    const portalId = entry.portalId;
    const segment = waiter.segment;
    const talkKey = lineKey(portalId, agentId);
    const answeredAt = clock.now();
    let recording: ActiveRecording | undefined;
    let bridge: BridgeHandle | undefined;
    try {
      bridge = await waiter.bridge;
      await this.deps.announcer.stop(waiter);
      await stopHoldMusic(this.deps.telephony, waiter);
      await bridge.add([leg.info.id]);
      if (queue.row.record && this.deps.recorder)
        recording = await this.deps.recorder
          .start(entry.call.info.id, leg.info.id)
          .catch((err: unknown) => {
            log.error({ err }, 'recording did not start; the call goes on unrecorded');
            return undefined;
          });
    } catch (err) {
      log.error({ err }, 'could not bridge caller and agent');
    }
    // Busy once the two are bridged: the widget and transfers see a live conversation.
    const conv: Conversation = { waiter, agentId, leg, queue, consulting: false };
    this.talking.set(talkKey, conv);
    this.deps.changes.emit(portalId, agentId);
    log.debug({ agentId, queueId: entry.queueId }, 'agent connected');
    await agents.apply(portalId, agentId, { type: 'answered' });
    await Promise.race([entry.call.ended, leg.ended]);
    this.talking.delete(talkKey);
    this.deps.changes.emit(portalId, agentId);
    const endedAt = clock.now();
    const transferred = waiter.segment !== segment || (conv.consulting && !entry.call.isEnded());
    // The conversation is over when either side hangs up; the caller's channel stays with the
    // flow (it may go on), the agent's leg is ours to end.
    let stored: { id: string; url: string } | undefined;
    if (recording) {
      // Filed under the CRM call when the caller came through a flow, so the call links it.
      const callId = entry.callId ?? (transferred ? randomUUID() : waiter.id);
      stored = await recording
        .finish({ portalId, kind: 'queue-call', callId })
        .catch((err: unknown) => {
          log.error({ err }, 'recording could not be stored');
          return undefined;
        });
    }
    await leg.hangup().catch(() => undefined);
    if (!transferred) await bridge?.destroy().catch(() => undefined);
    await agents.endCall(portalId, agentId, queue.row.wrapUpSeconds);
    const result: QueueResult = {
      kind: 'answered',
      agentId,
      waitMs: answeredAt - waiter.enqueuedAt,
      talkMs: endedAt - answeredAt,
      ...(stored ? { recordingId: stored.id, recordingUrl: stored.url } : {}),
    };
    const history = this.deps.history;
    if (transferred) {
      // This agent's part of the call, for statistics; the caller goes on with the next one.
      await history.record(entry, randomUUID(), waiter.enqueuedAt, result, answeredAt, endedAt);
      return;
    }
    await history.record(entry, waiter.id, waiter.enqueuedAt, result, answeredAt, endedAt);
    waiter.settle(result);
  }
}
