// CallQueues over ARI: callers wait in a mixing bridge with music on hold, the dispatcher
// offers each waiting caller (priority first, then FIFO) to the agent its queue's strategy
// picks, dials that agent, and bridges the two when the agent answers. An agent who lets it
// ring maxRings × ringSeconds is paused automatically and the caller goes to the next agent.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import { CallEndedError, type CallChannel, type Telephony } from '../telephony/port.ts';
import type { QueueDirectory, QueueConfig } from './directory.ts';
import { selectAgent, type Candidate } from './domain/strategy.ts';
import { compareWaiting, positionOf, type Waiting } from './domain/waiting-line.ts';
import type { CallQueues, QueueEntry, QueueResult } from './port.ts';
import type { AgentRegistry, LiveAgent } from './presence.ts';
import type { ActiveRecording, StereoRecorder } from './recorder.ts';
import type { AcdRepository } from './store/acd-repository.ts';

export class QueueNotFoundError extends Error {
  readonly code = 'QUEUE_NOT_FOUND';
  constructor(portalId: string, queueId: string) {
    super(`no queue ${queueId} in account ${portalId}`);
    this.name = 'QueueNotFoundError';
  }
}

export interface QueueTelephony extends Pick<Telephony, 'originate'> {
  bridge(name?: string): Promise<BridgeHandle>;
  /** Hangs up a channel by id (an agent leg that still rings); ignores a channel already gone. */
  hangupChannel(channelId: string): Promise<void>;
  /** Plays media in sequence into a bridge (announcements to a waiting caller). */
  playOnBridge(bridgeId: string, media: readonly string[], playbackId: string): Promise<void>;
  /** Stops a playback; ignores one already finished. */
  stopPlayback(playbackId: string): Promise<void>;
}

export interface QueueServiceHooks {
  /** StasisStart of the caller → agent leg dial request sent (bench metric). */
  onAgentDialled?(ms: number): void;
  /** A caller joined a waiting line (tests and live views). */
  onWaiting?(entry: QueueEntry): void;
  /** Every finished queue call (tests and live views). */
  onResult?(entry: QueueEntry, result: QueueResult): void;
}

interface Offer {
  agentId: string;
  channelId: string;
}

interface Waiter extends Waiting {
  id: string;
  key: string;
  entry: QueueEntry;
  bridge: Promise<BridgeHandle>;
  offer?: Offer;
  tried: Set<string>;
  /** Left the waiting line (answered, abandoned or overflowed). */
  done: boolean;
  stickyAgentId: string | null;
  talkMs?: ReadonlyMap<string, number>;
  timers: NodeJS.Timeout[];
  /** Bumped by every transfer: a conversation whose segment is stale was transferred away. */
  segment: number;
  /** The position announcement playing into the caller's bridge, if any. */
  announcement?: string;
  /** Transfer to one agent: only this agent is offered the caller (once). */
  onlyAgentId?: string;
  settle(result: QueueResult): void;
}

/** A caller talking with an agent, by agent: what a transfer needs. */
interface Conversation {
  waiter: Waiter;
  leg: CallChannel;
}

export class TransferError extends Error {
  readonly code = 'TRANSFER';
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

export type TransferTarget = { agentId: string } | { queueId: string };

const lineKey = (portalId: string, queueId: string) => `${portalId}\u0000${queueId}`;

export class QueueService implements CallQueues {
  private readonly lines = new Map<string, Waiter[]>();
  private readonly lastPosition = new Map<string, number>();
  private readonly talking = new Map<string, Conversation>();
  private seq = 0;
  private dispatchScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      directory: QueueDirectory;
      agents: AgentRegistry;
      repo: AcdRepository;
      telephony: QueueTelephony;
      clock: Clock;
      log: Logger;
      recorder?: StereoRecorder;
      hooks?: QueueServiceHooks;
    },
  ) {
    // An agent who becomes available may take a waiting caller.
    deps.agents.onChange((_portal, status) => {
      if (status.state === 'available') this.dispatch();
    });
  }

  has(portalId: string, queueId: string): boolean {
    return this.deps.directory.get(portalId, queueId) !== undefined;
  }

  /** Callers waiting now (all queues), for the bench and live views. */
  waitingCount(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.length;
    return n;
  }

  async enqueue(entry: QueueEntry): Promise<QueueResult> {
    const { directory, agents, clock } = this.deps;
    const queue = directory.get(entry.portalId, entry.queueId);
    if (!queue) throw new QueueNotFoundError(entry.portalId, entry.queueId);
    const enqueuedAt = clock.now();
    const loggedIn = queue.members.some((m) => {
      const a = agents.live(entry.portalId, m.agentId);
      return a !== undefined && a.state !== 'logged-off';
    });
    if (!loggedIn) {
      const result: QueueResult = { kind: 'overflow', reason: 'no-agents', waitMs: 0 };
      await this.remember(entry, randomUUID(), enqueuedAt, result, null);
      this.deps.hooks?.onResult?.(entry, result);
      return result;
    }
    const { call } = entry;
    const welcome = queue.row.welcomeMedia;
    const answered = call.answer().catch((err: unknown) => {
      if (call.isEnded()) throw new CallEndedError();
      throw err;
    });
    if (welcome) {
      try {
        await answered;
        await call.play(welcome);
      } catch (err) {
        if (err instanceof CallEndedError)
          return this.finishUnanswered(entry, randomUUID(), enqueuedAt, null, 'abandoned');
        throw err;
      }
    }
    // The caller joins the line at once (the agent is dialled while the bridge is set up).
    const bridge = answered.then(async () => {
      const b = await this.deps.telephony.bridge('acd');
      await b.add([call.info.id]);
      await b.startMoh(queue.row.mohClass ?? undefined);
      return b;
    });
    bridge.catch(() => undefined);
    const context = this.routingContext(entry, queue, enqueuedAt);
    return new Promise<QueueResult>((resolve) => {
      const waiter: Waiter = {
        id: randomUUID(),
        key: lineKey(entry.portalId, entry.queueId),
        entry,
        priority: entry.priority,
        enqueuedAt,
        seq: this.seq++,
        bridge,
        tried: new Set(),
        done: false,
        stickyAgentId: null,
        timers: [],
        segment: 0,
        settle: (result) => {
          this.deps.hooks?.onResult?.(entry, result);
          resolve(result);
        },
      };
      void context.then((ctx) => {
        waiter.stickyAgentId = ctx.stickyAgentId;
        if (ctx.talkMs) waiter.talkMs = ctx.talkMs;
        if (waiter.done) return;
        this.join(waiter, queue);
      });
      void call.ended.then(() => this.abandon(waiter));
      bridge.catch((err: unknown) => {
        if (!call.isEnded()) this.deps.log.error({ err }, 'queue bridge setup failed');
      });
    });
  }

  /** What the strategy needs from history: fetched once per call, before it joins the line. */
  private async routingContext(entry: QueueEntry, queue: QueueConfig, now: number) {
    const { repo } = this.deps;
    const strategy = queue.row.strategy;
    const [stickyAgentId, talkMs] = await Promise.all([
      strategy === 'sticky' && entry.callerNumber
        ? repo.lastAgentFor(
            entry.portalId,
            entry.callerNumber,
            now - queue.row.stickyDays * 86_400_000,
          )
        : Promise.resolve(null),
      strategy === 'most-talk'
        ? repo.talkTotals(
            entry.portalId,
            entry.queueId,
            now - queue.row.talkWindowHours * 3_600_000,
          )
        : Promise.resolve(undefined),
    ]).catch((err: unknown) => {
      this.deps.log.error({ err }, 'routing history unavailable; routing without it');
      return [null, undefined] as const;
    });
    return { stickyAgentId, talkMs };
  }

  private join(waiter: Waiter, queue: QueueConfig): void {
    const line = this.lines.get(waiter.key) ?? [];
    line.push(waiter);
    line.sort(compareWaiting);
    this.lines.set(waiter.key, line);
    this.deps.hooks?.onWaiting?.(waiter.entry);
    waiter.timers.push(setTimeout(() => this.overflow(waiter), queue.row.maxWaitSeconds * 1000));
    if (queue.row.announceSeconds > 0) {
      const every = setInterval(() => this.announce(waiter), queue.row.announceSeconds * 1000);
      waiter.timers.push(every);
    }
    this.dispatch();
  }

  /** Coalesces dispatch requests into one pass on the next microtask. */
  dispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      for (const [key, line] of this.lines) {
        if (line.length === 0) {
          this.lines.delete(key);
          continue;
        }
        this.dispatchLine(line);
      }
    });
  }

  private dispatchLine(line: Waiter[]): void {
    const first = line[0]!;
    const queue = this.deps.directory.get(first.entry.portalId, first.entry.queueId);
    if (!queue) return;
    const portalId = first.entry.portalId;
    const free = new Map<string, { agent: LiveAgent; candidate: Candidate }>();
    for (const m of queue.members) {
      const agent = this.deps.agents.live(portalId, m.agentId);
      if (agent?.state !== 'available') continue;
      free.set(m.agentId, {
        agent,
        candidate: {
          agentId: m.agentId,
          number: agent.row.number,
          skillLevel: m.skillLevel,
          idleSince: agent.idleSince,
          position: m.position,
        },
      });
    }
    for (const waiter of line) {
      if (waiter.offer || waiter.done) continue;
      if (waiter.onlyAgentId !== undefined) {
        // Transferred to one agent, who need not be a member of this queue.
        const target = this.deps.agents.live(portalId, waiter.onlyAgentId);
        if (target?.state !== 'available') continue;
        free.delete(waiter.onlyAgentId);
        this.offer(waiter, queue, target);
        continue;
      }
      if (free.size === 0) continue;
      const candidates = [...free.values()]
        .filter((f) => !waiter.tried.has(f.candidate.agentId))
        .map((f) => f.candidate);
      if (candidates.length === 0) {
        // Every free agent already failed this caller once (busy, rejected): start over,
        // a little later, rather than spin.
        waiter.tried.clear();
        this.retrySoon();
        continue;
      }
      const agentId = selectAgent(queue.row.strategy, candidates, {
        lastPosition: this.lastPosition.get(waiter.key) ?? -1,
        stickyAgentId: waiter.stickyAgentId,
        callerNumber: waiter.entry.callerNumber,
        prefixRules: queue.prefixRules,
        ...(waiter.entry.agentCode !== undefined ? { agentCode: waiter.entry.agentCode } : {}),
        ...(waiter.talkMs ? { talkMs: waiter.talkMs } : {}),
      });
      if (!agentId) continue;
      const chosen = free.get(agentId)!;
      free.delete(agentId);
      this.lastPosition.set(waiter.key, chosen.candidate.position);
      this.offer(waiter, queue, chosen.agent);
    }
  }

  private retrySoon(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.dispatch();
    }, 1000);
    this.retryTimer.unref();
  }

  private offer(waiter: Waiter, queue: QueueConfig, agent: LiveAgent): void {
    const { agents, telephony, clock, log } = this.deps;
    const portalId = waiter.entry.portalId;
    const agentId = agent.row.id;
    const offer: Offer = { agentId, channelId: randomUUID() };
    waiter.offer = offer;
    // Synchronous state change: the next dispatch pass already sees the agent as ringing.
    void agents.apply(portalId, agentId, { type: 'offer' });
    const ringMs = queue.row.ringSeconds * queue.row.maxRings * 1000;
    const startedAt = clock.now();
    this.deps.hooks?.onAgentDialled?.(startedAt - waiter.entry.call.startedAt);
    telephony
      .originate({
        endpoint: agent.row.dial,
        timeoutSec: queue.row.ringSeconds * queue.row.maxRings,
        channelId: offer.channelId,
        ...(waiter.entry.callerNumber ? { callerId: waiter.entry.callerNumber } : {}),
        args: ['acd-agent', waiter.entry.queueId],
      })
      .then(
        (leg) => this.connect(waiter, queue, agent, leg),
        async (err: unknown) => {
          waiter.offer = undefined;
          const elapsed = clock.now() - startedAt;
          // Rang the whole attempt without an answer: Q3 auto-pause. Busy or rejected legs end
          // early and only move the caller on.
          const noAnswer = !waiter.done && elapsed >= ringMs - 750;
          if (noAnswer) {
            await agents.apply(portalId, agentId, {
              type: 'pause',
              reason: `no answer after ${queue.row.maxRings} rings`,
            });
          } else {
            await agents.apply(portalId, agentId, { type: 'offer-failed' });
          }
          log.info({ agentId, err: String(err), elapsed, noAnswer }, 'agent did not take the call');
          waiter.tried.add(agentId);
          // A transfer to one agent who did not answer: the caller goes on in the queue.
          delete waiter.onlyAgentId;
          this.dispatch();
        },
      )
      .catch((err: unknown) => log.error({ err, agentId }, 'queue offer failed'));
  }

  private async connect(
    waiter: Waiter,
    queue: QueueConfig,
    agent: LiveAgent,
    leg: CallChannel,
  ): Promise<void> {
    const { agents, clock, log } = this.deps;
    const { entry } = waiter;
    const portalId = entry.portalId;
    const agentId = agent.row.id;
    if (waiter.done) {
      // The caller left (hung up, overflowed) while the agent answered.
      await leg.hangup();
      await agents.apply(portalId, agentId, { type: 'offer-failed' });
      return;
    }
    this.leave(waiter);
    waiter.offer = undefined;
    const segment = waiter.segment;
    const talkKey = lineKey(portalId, agentId);
    const answeredAt = clock.now();
    let recording: ActiveRecording | undefined;
    let bridge: BridgeHandle | undefined;
    try {
      bridge = await waiter.bridge;
      await this.stopAnnouncement(waiter);
      await bridge.stopMoh();
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
    this.talking.set(talkKey, { waiter, leg });
    log.debug({ agentId, queueId: entry.queueId }, 'agent connected');
    await agents.apply(portalId, agentId, { type: 'answered' });
    await Promise.race([entry.call.ended, leg.ended]);
    this.talking.delete(talkKey);
    const endedAt = clock.now();
    const transferred = waiter.segment !== segment && !entry.call.isEnded();
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
    if (transferred) {
      // This agent's part of the call, for statistics; the caller goes on with the next one.
      await this.remember(entry, randomUUID(), waiter.enqueuedAt, result, answeredAt, endedAt);
      return;
    }
    await this.remember(waiter.entry, waiter.id, waiter.enqueuedAt, result, answeredAt, endedAt);
    waiter.settle(result);
  }

  /**
   * Blind transfer (Q6) of the caller `agentId` is talking with, to another agent or a queue.
   * The agent's leg is hung up at once and the caller waits with music in the same bridge;
   * the new agent's leg joins that bridge when it answers, so only one agent leg is ever
   * bridged with the caller. An agent who does not answer sends the caller back to the queue.
   */
  async transfer(portalId: string, agentId: string, target: TransferTarget): Promise<void> {
    const conv = this.talking.get(lineKey(portalId, agentId));
    if (!conv) throw new TransferError(`agent ${agentId} is not talking with a queue caller`);
    const { waiter } = conv;
    let queue = this.deps.directory.get(portalId, waiter.entry.queueId);
    if ('queueId' in target) {
      queue = this.deps.directory.get(portalId, target.queueId);
      if (!queue) throw new TransferError(`no queue ${target.queueId}`);
    } else {
      const to = this.deps.agents.live(portalId, target.agentId);
      if (to?.state !== 'available')
        throw new TransferError(`agent ${target.agentId} is not available`);
    }
    if (!queue) throw new TransferError(`the caller's queue is gone`);
    waiter.segment += 1;
    waiter.done = false;
    waiter.tried.clear();
    if ('agentId' in target) waiter.onlyAgentId = target.agentId;
    else delete waiter.onlyAgentId;
    waiter.entry = { ...waiter.entry, queueId: queue.row.id };
    waiter.key = lineKey(portalId, queue.row.id);
    const bridge = await waiter.bridge;
    await bridge.startMoh(queue.row.mohClass ?? undefined);
    await conv.leg.hangup();
    this.join(waiter, queue);
  }

  /** Channels of the caller's bridge while `agentId` talks (tests check there is one agent leg). */
  async bridgedWith(portalId: string, agentId: string): Promise<string[] | null> {
    const conv = this.talking.get(lineKey(portalId, agentId));
    if (!conv) return null;
    return (await conv.waiter.bridge).channels();
  }

  /**
   * Position announcement, played into the caller's own bridge (not on the channel: a channel
   * playback would hold the channel in the bridge until it ends, delaying agent or overflow).
   */
  private announce(waiter: Waiter): void {
    if (waiter.done || waiter.offer) return;
    const line = this.lines.get(waiter.key) ?? [];
    const position = positionOf(line, waiter);
    const media =
      position === 1
        ? ['sound:queue-youarenext']
        : ['sound:queue-thereare', `number:${position - 1}`, 'sound:queue-callswaiting'];
    const playbackId = randomUUID();
    void (async () => {
      const bridge = await waiter.bridge;
      if (waiter.announcement) await this.deps.telephony.stopPlayback(waiter.announcement);
      if (waiter.done || waiter.offer) return;
      waiter.announcement = playbackId;
      await this.deps.telephony.playOnBridge(bridge.id, media, playbackId);
    })().catch((err: unknown) => {
      if (!waiter.entry.call.isEnded()) this.deps.log.warn({ err }, 'announcement failed');
    });
  }

  private async stopAnnouncement(waiter: Waiter): Promise<void> {
    const id = waiter.announcement;
    if (!id) return;
    delete waiter.announcement;
    await this.deps.telephony.stopPlayback(id).catch(() => undefined);
  }

  /** Takes the waiter out of the line and stops its timers. */
  private leave(waiter: Waiter): void {
    waiter.done = true;
    for (const t of waiter.timers) clearTimeout(t);
    const line = this.lines.get(waiter.key);
    if (line) {
      const i = line.indexOf(waiter);
      if (i >= 0) line.splice(i, 1);
    }
  }

  private abandon(waiter: Waiter): void {
    if (waiter.done) return;
    this.leave(waiter);
    void this.dropWaiting(waiter, 'abandoned');
  }

  private overflow(waiter: Waiter): void {
    if (waiter.done) return;
    this.leave(waiter);
    void this.dropWaiting(waiter, 'overflow');
  }

  /** Ends the wait without an agent: cancels a ringing agent, releases the caller. */
  private async dropWaiting(waiter: Waiter, outcome: 'abandoned' | 'overflow'): Promise<void> {
    // The wait ends now, not after the bridge is torn down.
    const endedAt = this.deps.clock.now();
    try {
      if (waiter.offer) await this.deps.telephony.hangupChannel(waiter.offer.channelId);
      await this.stopAnnouncement(waiter);
      const bridge = await waiter.bridge.catch(() => undefined);
      if (bridge) {
        await bridge.remove([waiter.entry.call.info.id]).catch(() => undefined);
        await bridge.destroy().catch(() => undefined);
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'releasing a waiting caller failed');
    }
    const result = await this.finishUnanswered(
      waiter.entry,
      waiter.id,
      waiter.enqueuedAt,
      waiter,
      outcome,
      endedAt,
    );
    waiter.settle(result);
  }

  private async finishUnanswered(
    entry: QueueEntry,
    id: string,
    enqueuedAt: number,
    waiter: Waiter | null,
    outcome: 'abandoned' | 'overflow',
    endedAt = this.deps.clock.now(),
  ): Promise<QueueResult> {
    const waitMs = endedAt - enqueuedAt;
    const result: QueueResult =
      outcome === 'abandoned'
        ? { kind: 'abandoned', waitMs }
        : { kind: 'overflow', reason: 'max-wait', waitMs };
    await this.remember(entry, id, enqueuedAt, result, null, endedAt);
    if (!waiter) this.deps.hooks?.onResult?.(entry, result);
    return result;
  }

  /** One history row per queue call: sticky routing, talk time and statistics read it. */
  private async remember(
    entry: QueueEntry,
    id: string,
    enteredAt: number,
    result: QueueResult,
    answeredAt: number | null,
    endedAt = this.deps.clock.now(),
  ): Promise<void> {
    try {
      await this.deps.repo.recordCall({
        id,
        portalId: entry.portalId,
        queueId: entry.queueId,
        callerNumber: entry.callerNumber,
        agentId: result.kind === 'answered' ? result.agentId : null,
        outcome: result.kind,
        priority: entry.priority,
        enteredAt,
        answeredAt,
        endedAt,
        waitMs: result.waitMs,
        talkMs: result.kind === 'answered' ? result.talkMs : 0,
        recordingId: result.kind === 'answered' ? (result.recordingId ?? null) : null,
      });
    } catch (err) {
      this.deps.log.error({ err, queueCallId: id }, 'queue call history not written');
    }
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const line of this.lines.values())
      for (const w of line) for (const t of w.timers) clearTimeout(t);
  }
}
