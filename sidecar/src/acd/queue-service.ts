// CallQueues over ARI: callers wait in a mixing bridge with music on hold, the dispatcher
// offers each waiting caller (priority first, then FIFO) to the agent its queue's strategy
// picks, dials that agent, and hands the answered leg to the conversations. An agent who lets
// it ring maxRings × ringSeconds is paused automatically and the caller goes to the next agent.
// Transfers (transfers.ts) and announcements (position-announcer.ts) work on the same callers.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import { CallEndedError } from '../telephony/port.ts';
import { AgentCallChanges } from './agent-call-changes.ts';
import { Conversations } from './conversations.ts';
import type { QueueDirectory, QueueConfig } from './directory.ts';
import { selectAgent, type Candidate } from './domain/strategy.ts';
import { compareWaiting, positionOf } from './domain/waiting-line.ts';
import type { CallQueues, QueueEntry, QueueResult } from './port.ts';
import { announcementMedia, PositionAnnouncer } from './position-announcer.ts';
import type { AgentRegistry, LiveAgent } from './presence.ts';
import {
  agentDidNotAnswer,
  dialAgent,
  lineKey,
  QueueNotFoundError,
  ringTimedOut,
  type Offer,
  type QueueServiceHooks,
  type QueueTelephony,
  type Waiter,
  type WaitingLines,
} from './queue-call.ts';
import { QueueHistory } from './queue-history.ts';
import type { StereoRecorder } from './recorder.ts';
import type { AcdRepository } from './store/acd-repository.ts';
import { Transfers } from './transfers.ts';

export { QueueNotFoundError, type QueueServiceHooks, type QueueTelephony } from './queue-call.ts';

/**
 * Longest a caller's release waits for its bridge set-up. Under heavy load Asterisk was seen not
 * to answer music requests for minutes (the bench, when each waiting caller's bridge had its own
 * bridge music on 2 cores): the caller's result, and so its call record, must not wait on them.
 */
const BRIDGE_SETUP_WAIT_MS = 10_000;

/** The promise's value, or undefined if it fails or takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

export class QueueService implements CallQueues, WaitingLines {
  private readonly lines = new Map<string, Waiter[]>();
  private readonly lastPosition = new Map<string, number>();
  private seq = 0;
  private dispatchScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly history: QueueHistory;
  private readonly announcer: PositionAnnouncer;
  readonly conversations: Conversations;
  /** Blind and attended transfers of the callers agents are talking with (Q6). */
  readonly transfers: Transfers;
  /** An agent's queue call or consultation started or ended (the widget's live view). */
  readonly agentCalls: AgentCallChanges;

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
    this.history = new QueueHistory(deps.repo, deps.log);
    this.announcer = new PositionAnnouncer(deps.telephony, deps.log, (waiter, report) =>
      deps.hooks?.onAnnouncement?.(waiter.entry, report),
    );
    this.agentCalls = new AgentCallChanges(deps.log);
    this.conversations = new Conversations({
      agents: deps.agents,
      clock: deps.clock,
      log: deps.log,
      history: this.history,
      announcer: this.announcer,
      telephony: deps.telephony,
      recorder: deps.recorder,
      changes: this.agentCalls,
    });
    this.transfers = new Transfers({
      directory: deps.directory,
      agents: deps.agents,
      telephony: deps.telephony,
      clock: deps.clock,
      log: deps.log,
      conversations: this.conversations,
      lines: this,
      changes: this.agentCalls,
    });
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

  /** Channels of the caller's bridge while `agentId` talks (tests check there is one agent leg). */
  bridgedWith(portalId: string, agentId: string): Promise<string[] | null> {
    return this.conversations.bridgedWith(portalId, agentId);
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
      await this.history.record(entry, randomUUID(), enqueuedAt, result, null, enqueuedAt);
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
        if (err instanceof CallEndedError) {
          const result = await this.finishUnanswered(entry, randomUUID(), enqueuedAt, 'abandoned');
          this.deps.hooks?.onResult?.(entry, result);
          return result;
        }
        throw err;
      }
    }
    // The caller joins the line at once (the agent is dialled while the bridge is set up).
    const bridge = answered.then(async () => {
      const b = await this.deps.telephony.bridge('acd');
      await b.add([call.info.id]);
      await this.deps.telephony.startMusic(call.info.id, queue.row.mohClass ?? undefined);
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
      void call.ended.then(() => this.endWait(waiter, 'abandoned'));
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

  join(waiter: Waiter, queue: QueueConfig): void {
    const line = this.lines.get(waiter.key) ?? [];
    line.push(waiter);
    line.sort(compareWaiting);
    this.lines.set(waiter.key, line);
    this.deps.hooks?.onWaiting?.(waiter.entry);
    waiter.timers.push(
      setTimeout(() => this.endWait(waiter, 'overflow'), queue.row.maxWaitSeconds * 1000),
    );
    if (queue.row.announceSeconds > 0) {
      const announce = () => {
        const position = positionOf(this.lines.get(waiter.key) ?? [], waiter);
        const media = announcementMedia(queue.row, position);
        if (media.length > 0)
          this.announcer.announce(waiter, media, queue.row.mohClass ?? undefined);
      };
      waiter.timers.push(setInterval(announce, queue.row.announceSeconds * 1000));
    }
    this.dispatch();
  }

  leave(waiter: Waiter): void {
    waiter.done = true;
    for (const t of waiter.timers) clearTimeout(t);
    waiter.timers = [];
    const line = this.lines.get(waiter.key);
    if (line) {
      const i = line.indexOf(waiter);
      if (i >= 0) line.splice(i, 1);
    }
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
    const startedAt = clock.now();
    this.deps.hooks?.onAgentDialled?.(startedAt - waiter.entry.call.startedAt);
    dialAgent(telephony, agent.row.dial, queue, waiter, offer.channelId)
      .then(
        async (leg) => {
          waiter.offer = undefined;
          if (waiter.done) {
            // The caller left (hung up, overflowed) while the agent answered.
            await leg.hangup();
            await agents.apply(portalId, agentId, { type: 'offer-failed' });
            return;
          }
          this.leave(waiter);
          await this.conversations.talk(waiter, queue, agentId, leg);
        },
        async (err: unknown) => {
          waiter.offer = undefined;
          const rangOut = !waiter.done && ringTimedOut(queue, clock.now() - startedAt);
          await agentDidNotAnswer(agents, portalId, agentId, queue, rangOut);
          log.info({ agentId, err: String(err), rangOut }, 'agent did not take the call');
          waiter.tried.add(agentId);
          // A transfer to one agent who did not answer: the caller goes on in the queue.
          delete waiter.onlyAgentId;
          this.dispatch();
        },
      )
      .catch((err: unknown) => log.error({ err, agentId }, 'queue offer failed'));
  }

  /** Ends the wait without an agent: cancels a ringing agent, releases the caller. */
  private endWait(waiter: Waiter, outcome: 'abandoned' | 'overflow'): void {
    if (waiter.done) return;
    this.leave(waiter);
    // The wait ends now, not after the bridge is torn down.
    const endedAt = this.deps.clock.now();
    void (async () => {
      try {
        if (waiter.offer) await this.deps.telephony.hangupChannel(waiter.offer.channelId);
        await this.announcer.stop(waiter);
        const bridge = await within(waiter.bridge, BRIDGE_SETUP_WAIT_MS);
        if (bridge) {
          await bridge.remove([waiter.entry.call.info.id]).catch(() => undefined);
          await bridge.destroy().catch(() => undefined);
        }
      } catch (err) {
        this.deps.log.warn({ err }, 'releasing a waiting caller failed');
      }
      const { entry, id, enqueuedAt } = waiter;
      waiter.settle(await this.finishUnanswered(entry, id, enqueuedAt, outcome, endedAt));
    })();
  }

  private async finishUnanswered(
    entry: QueueEntry,
    id: string,
    enqueuedAt: number,
    outcome: 'abandoned' | 'overflow',
    endedAt = this.deps.clock.now(),
  ): Promise<QueueResult> {
    const waitMs = endedAt - enqueuedAt;
    const result: QueueResult =
      outcome === 'abandoned'
        ? { kind: 'abandoned', waitMs }
        : { kind: 'overflow', reason: 'max-wait', waitMs };
    await this.history.record(entry, id, enqueuedAt, result, null, endedAt);
    return result;
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Timers only: a caller still on the line is released (and logged) when it hangs up.
    for (const line of this.lines.values())
      for (const w of line) for (const t of w.timers) clearTimeout(t);
  }
}
