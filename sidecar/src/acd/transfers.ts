// Transfers of a queue caller by the agent talking with them (Q6). Whatever the kind, the
// caller's bridge never holds more than one agent leg, and when a transfer is over exactly one
// leg is bridged with the caller (natively, in the caller's own bridge: nothing hairpinned).
//
// Blind: the agent's leg is hung up at once, the caller waits with music in their bridge and
// the new agent's (or queue's) leg joins that bridge when it answers.
//
// Attended (consult, then complete or cancel): the agent leaves the caller's bridge for a
// consultation bridge, the caller hears music, the colleague is rung into the consultation.
// Complete moves the colleague's leg into the caller's bridge and hangs up the agent's; cancel
// (or a colleague who does not answer or hangs up) brings the agent back to the caller. The
// agent hanging up during the consultation completes it, as on a desk phone: at once if the
// colleague answered, else when they answer (the caller goes back to the queue if they don't).
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import type { CallChannel } from '../telephony/port.ts';
import type { AgentCallChanges } from './agent-call-changes.ts';
import type { Conversation, Conversations } from './conversations.ts';
import type { QueueDirectory } from './directory.ts';
import type { AgentRegistry } from './presence.ts';
import {
  agentDidNotAnswer,
  dialAgent,
  lineKey,
  ringTimedOut,
  startHoldMusic,
  stopHoldMusic,
  type QueueTelephony,
  type Waiter,
  type WaitingLines,
} from './queue-call.ts';

export class TransferError extends Error {
  readonly code = 'TRANSFER';
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

export type TransferTarget = { agentId: string } | { queueId: string };

export type ConsultationState = 'ringing' | 'talking';

/** What the agent's widget shows of a consultation in progress. */
export interface ConsultationStatus {
  toAgentId: string;
  state: ConsultationState;
  /** Channels in the consultation bridge (the agent, and the colleague once answered). */
  channels: string[];
}

interface Consultation {
  conv: Conversation;
  fromAgentId: string;
  toAgentId: string;
  /** The agent and the colleague talk here; the caller stays in their own bridge. */
  bridge: BridgeHandle;
  /** The colleague's leg, dialled with this id (so it can be hung up while it rings). */
  channelId: string;
  /** The colleague's leg once answered, and whether it is in the consultation bridge. */
  leg?: CallChannel;
  legBridged: boolean;
  ringbackId: string;
  /** Complete when the colleague answers (the agent completed early or hung up). */
  handOverOnAnswer: boolean;
  /** Completed, cancelled, or ended by the caller: later events change nothing. */
  over: boolean;
}

export class Transfers {
  private readonly consultations = new Map<string, Consultation>();

  constructor(
    private readonly deps: {
      directory: QueueDirectory;
      agents: AgentRegistry;
      telephony: QueueTelephony;
      clock: Clock;
      log: Logger;
      conversations: Conversations;
      lines: WaitingLines;
      changes: AgentCallChanges;
    },
  ) {}

  private talkingWith(portalId: string, agentId: string): Conversation {
    const conv = this.deps.conversations.of(portalId, agentId);
    if (!conv) throw new TransferError(`agent ${agentId} is not talking with a queue caller`);
    if (this.consultations.has(lineKey(portalId, agentId)))
      throw new TransferError(`agent ${agentId} is consulting a colleague already`);
    return conv;
  }

  private availableColleague(portalId: string, fromAgentId: string, toAgentId: string) {
    if (toAgentId === fromAgentId) throw new TransferError('an agent cannot transfer to themself');
    const to = this.deps.agents.live(portalId, toAgentId);
    if (to?.state !== 'available') throw new TransferError(`agent ${toAgentId} is not available`);
    return to;
  }

  /**
   * Blind transfer to another agent or a queue. An agent who does not answer sends the caller
   * back to the queue. `accepted` runs once the transfer is sure to happen, before the agent's
   * leg is hung up (a handset transfer tells the phone on that leg).
   */
  async blind(
    portalId: string,
    agentId: string,
    target: TransferTarget,
    accepted?: () => Promise<void>,
  ): Promise<void> {
    const conv = this.talkingWith(portalId, agentId);
    const { waiter } = conv;
    let queue = conv.queue;
    if ('queueId' in target) {
      const to = this.deps.directory.get(portalId, target.queueId);
      if (!to) throw new TransferError(`no queue ${target.queueId}`);
      queue = to;
    } else this.availableColleague(portalId, agentId, target.agentId);
    waiter.segment += 1;
    // Waiting again from now on: a caller who hangs up during what follows is abandoned.
    backInLine(waiter, 'agentId' in target ? target.agentId : undefined);
    waiter.entry = { ...waiter.entry, queueId: queue.row.id };
    waiter.key = lineKey(portalId, queue.row.id);
    await startHoldMusic(this.deps.telephony, waiter, queue.row.mohClass ?? undefined);
    await accepted?.();
    await conv.leg.hangup();
    this.deps.lines.join(waiter, queue);
  }

  /**
   * Hands the caller out of the ACD, to the flow of `number` (a transfer keyed on the agent's
   * phone to, e.g., the park number): the agent's part is filed as answered, the caller leaves
   * the bridge and the queue step that holds them continues with that number's flow.
   */
  async handOff(
    portalId: string,
    agentId: string,
    number: string,
    by: string | null,
    accepted?: () => Promise<void>,
  ): Promise<void> {
    const conv = this.talkingWith(portalId, agentId);
    const { waiter } = conv;
    // The conversation that ends now was this agent's part of the call (conversations.ts).
    waiter.segment += 1;
    await accepted?.();
    await conv.leg.hangup();
    const bridge = await waiter.bridge;
    await bridge.remove([waiter.entry.call.info.id]).catch(() => undefined);
    await bridge.destroy().catch(() => undefined);
    const waitMs = this.deps.clock.now() - waiter.enqueuedAt;
    waiter.settle({ kind: 'handed-off', number, agentId, by, waitMs });
  }

  /** Starts an attended transfer: the agent consults `toAgentId` while the caller holds. */
  async consult(portalId: string, agentId: string, toAgentId: string): Promise<void> {
    const { agents, telephony } = this.deps;
    const conv = this.talkingWith(portalId, agentId);
    const colleague = this.availableColleague(portalId, agentId, toAgentId);
    // Synchronous state change: the dispatcher no longer offers the colleague a caller.
    void agents.apply(portalId, toAgentId, { type: 'offer' });
    const c: Consultation = {
      conv,
      fromAgentId: agentId,
      toAgentId,
      bridge: await telephony.bridge('acd-consult'),
      channelId: randomUUID(),
      legBridged: false,
      ringbackId: randomUUID(),
      handOverOnAnswer: false,
      over: false,
    };
    this.consultations.set(lineKey(portalId, agentId), c);
    conv.consulting = true;
    this.deps.changes.emit(portalId, agentId);
    this.deps.changes.emit(portalId, toAgentId);
    try {
      const agentLeg = conv.leg.info.id;
      const callerBridge = await conv.waiter.bridge;
      await callerBridge.remove([agentLeg]);
      await startHoldMusic(telephony, conv.waiter, conv.queue.row.mohClass ?? undefined);
      await c.bridge.add([agentLeg]);
      // The agent hears it ring (ends when the colleague answers or the bridge goes).
      await telephony.playOnBridge(c.bridge.id, ['tone:ring'], c.ringbackId);
    } catch (err) {
      // Nothing was dialled: the colleague is free again, the agent back with the caller.
      await agents.apply(portalId, toAgentId, { type: 'offer-failed' });
      await this.endConsultation(c).catch(() => undefined);
      throw err;
    }

    const { queue, waiter } = conv;
    const startedAt = this.deps.clock.now();
    dialAgent(telephony, colleague.row.dial, queue, waiter, c.channelId)
      .then(
        (leg) => this.colleagueAnswered(c, leg),
        async (err: unknown) => {
          const rangOut = !c.over && ringTimedOut(queue, this.deps.clock.now() - startedAt);
          await agentDidNotAnswer(agents, portalId, toAgentId, queue, rangOut);
          this.deps.log.info({ toAgentId, err: String(err) }, 'colleague did not take the consult');
          if (!c.over) await this.endConsultation(c);
        },
      )
      .catch((err: unknown) => this.deps.log.error({ err }, 'consultation failed'));
    void waiter.entry.call.ended.then(() => this.callerLeft(c));
    void conv.leg.ended.then(() => this.agentLeft(c));
  }

  /** Completes an attended transfer: the colleague gets the caller, the agent's leg ends. */
  async complete(portalId: string, agentId: string): Promise<ConsultationState> {
    const c = this.consultationOf(portalId, agentId);
    if (c.leg) {
      await this.handOver(c);
      return 'talking';
    }
    // Still ringing: the colleague gets the caller on answering; the agent is done now.
    c.handOverOnAnswer = true;
    await c.conv.leg.hangup();
    return 'ringing';
  }

  /** Cancels an attended transfer: the colleague's leg ends, the agent is back with the caller. */
  async cancel(portalId: string, agentId: string): Promise<void> {
    const c = this.consultationOf(portalId, agentId);
    await this.endConsultation(c);
  }

  async consultation(portalId: string, agentId: string): Promise<ConsultationStatus | null> {
    const c = this.consultations.get(lineKey(portalId, agentId));
    if (!c) return null;
    return { ...this.stateOf(c), channels: await c.bridge.channels() };
  }

  /** The consultation in which `colleagueId` is being consulted (rung or talking), if any. */
  consultedBy(
    portalId: string,
    colleagueId: string,
  ): { fromAgentId: string; conv: Conversation; state: ConsultationState } | null {
    for (const c of this.consultations.values())
      if (!c.over && c.toAgentId === colleagueId && c.conv.waiter.entry.portalId === portalId)
        return { fromAgentId: c.fromAgentId, conv: c.conv, state: this.stateOf(c).state };
    return null;
  }

  /** The consultation `agentId` is in, without asking Asterisk (live views). */
  consulting(portalId: string, agentId: string): Omit<ConsultationStatus, 'channels'> | null {
    const c = this.consultations.get(lineKey(portalId, agentId));
    return c ? this.stateOf(c) : null;
  }

  private stateOf(c: Consultation): Omit<ConsultationStatus, 'channels'> {
    // Talking once the colleague is in the consultation bridge (or handed over already).
    return { toAgentId: c.toAgentId, state: c.leg ? 'talking' : 'ringing' };
  }

  private consultationOf(portalId: string, agentId: string): Consultation {
    const c = this.consultations.get(lineKey(portalId, agentId));
    if (!c) throw new TransferError(`agent ${agentId} is not consulting anyone`);
    return c;
  }

  private finish(c: Consultation): void {
    c.over = true;
    const portalId = c.conv.waiter.entry.portalId;
    this.consultations.delete(lineKey(portalId, c.fromAgentId));
    this.deps.changes.emit(portalId, c.fromAgentId);
    this.deps.changes.emit(portalId, c.toAgentId);
  }

  private async colleagueAnswered(c: Consultation, leg: CallChannel): Promise<void> {
    const { agents, telephony } = this.deps;
    const portalId = c.conv.waiter.entry.portalId;
    if (c.over) {
      // Cancelled, or the caller left, while it rang.
      await leg.hangup();
      await agents.apply(portalId, c.toAgentId, { type: 'offer-failed' });
      return;
    }
    c.leg = leg;
    await agents.apply(portalId, c.toAgentId, { type: 'answered' });
    void leg.ended.then(() => this.colleagueLeft(c));
    await telephony.stopPlayback(c.ringbackId);
    if (c.handOverOnAnswer) return this.handOver(c);
    await c.bridge.add([leg.info.id]);
    c.legBridged = true;
    this.deps.changes.emit(portalId, c.fromAgentId);
    this.deps.changes.emit(portalId, c.toAgentId);
  }

  /** The colleague's leg moves from the consultation into the caller's bridge. */
  private async handOver(c: Consultation): Promise<void> {
    const leg = c.leg!;
    this.finish(c);
    const { waiter, queue } = c.conv;
    // The agent's conversation ends as a transferred part of the call.
    waiter.segment += 1;
    if (c.legBridged) await c.bridge.remove([leg.info.id]);
    await c.conv.leg.hangup().catch(() => undefined);
    await c.bridge.destroy();
    this.deps.conversations
      .talk(waiter, queue, c.toAgentId, leg)
      .catch((err: unknown) => this.deps.log.error({ err }, 'transferred conversation failed'));
  }

  /**
   * Ends the consultation without a transfer: hangs up the colleague's leg (or cancels its
   * ringing) and brings the agent back to the caller, or, if the agent has hung up meanwhile,
   * puts the caller back in the queue.
   */
  private async endConsultation(c: Consultation): Promise<void> {
    this.finish(c);
    await this.releaseColleague(c);
    const { conv } = c;
    conv.consulting = false;
    if (conv.waiter.entry.call.isEnded()) return;
    if (conv.leg.isEnded()) {
      // The agent hung up while the colleague rang, and the colleague did not answer.
      backInLine(conv.waiter);
      this.deps.lines.join(conv.waiter, conv.queue);
      return;
    }
    const callerBridge = await conv.waiter.bridge;
    await stopHoldMusic(this.deps.telephony, conv.waiter);
    await callerBridge.add([conv.leg.info.id]);
  }

  private async colleagueLeft(c: Consultation): Promise<void> {
    if (c.over) return;
    await this.endConsultation(c).catch((err: unknown) =>
      this.deps.log.error({ err }, 'could not bring the agent back to the caller'),
    );
  }

  /** The agent hung up during the consultation: that completes it. */
  private async agentLeft(c: Consultation): Promise<void> {
    if (c.over) return;
    if (c.leg) await this.handOver(c);
    else c.handOverOnAnswer = true;
  }

  /** The caller hung up during the consultation: it has nothing left to be about. */
  private async callerLeft(c: Consultation): Promise<void> {
    if (c.over) return;
    this.finish(c);
    await this.releaseColleague(c);
  }

  /**
   * Ends the colleague's part: hangs up their leg (or cancels its ringing: the dial's failure
   * then frees the colleague), stops the ringback, removes the consultation bridge.
   */
  private async releaseColleague(c: Consultation): Promise<void> {
    const { agents, telephony } = this.deps;
    if (c.leg) {
      await c.leg.hangup().catch(() => undefined);
      await agents.endCall(c.conv.waiter.entry.portalId, c.toAgentId, 0);
    } else await telephony.hangupChannel(c.channelId);
    await telephony.stopPlayback(c.ringbackId);
    await c.bridge.destroy();
  }
}

/** The caller waits again, with a fresh list of agents: for `onlyAgentId` alone, or any. */
function backInLine(waiter: Waiter, onlyAgentId?: string): void {
  waiter.done = false;
  waiter.tried.clear();
  if (onlyAgentId !== undefined) waiter.onlyAgentId = onlyAgentId;
  else delete waiter.onlyAgentId;
}
