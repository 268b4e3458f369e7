// Agent presence (Q4): who is logged in, available, ringing, busy, in wrap-up or paused.
// State lives in memory (the dispatcher reads it on every call) and the presence part of it
// (logged off / available / paused + reason) is written to acd_agents, so a restart keeps
// who is logged in; a call in progress does not survive a restart, so ringing/busy/wrap-up
// come back as available.
import type { Clock, Logger } from '../ports.ts';
import { nextState, type AgentEvent } from './domain/agent-state.ts';
import type { AgentPresence, AgentState, AgentStatus } from './port.ts';
import type { AcdAgentRow } from './store/entities.ts';
import type { AcdRepository } from './store/acd-repository.ts';
import { UnknownAgentError } from './port.ts';

export class AgentNotFoundError extends UnknownAgentError {
  readonly code = 'AGENT_NOT_FOUND';
  constructor(agentId: string) {
    super(agentId);
    this.name = 'AgentNotFoundError';
  }
}

export interface LiveAgent {
  row: AcdAgentRow;
  state: AgentState;
  pauseReason?: string;
  /** When the agent last became available (longest-idle ordering). */
  idleSince: number;
  wrapUpTimer?: NodeJS.Timeout;
}

const PERSISTED: ReadonlySet<AgentEvent['type']> = new Set(['login', 'logoff', 'pause', 'unpause']);

export class AgentRegistry implements AgentPresence {
  private readonly agents = new Map<string, LiveAgent>();
  private readonly listeners = new Set<(portalId: string, status: AgentStatus) => void>();

  constructor(
    private readonly repo: AcdRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private static key(portalId: string, agentId: string) {
    return `${portalId}\u0000${agentId}`;
  }

  async load(): Promise<void> {
    for (const row of await this.repo.allAgents()) this.put(row);
  }

  /** Adds or refreshes an agent's settings (admin changes), keeping its live state. */
  put(row: AcdAgentRow): void {
    const key = AgentRegistry.key(row.portalId, row.id);
    const live = this.agents.get(key);
    if (live) {
      live.row = row;
      return;
    }
    const state: AgentState =
      row.state === 'paused' || row.state === 'logged-off' ? row.state : 'available';
    this.agents.set(key, {
      row,
      state,
      ...(row.state === 'paused' && row.pauseReason ? { pauseReason: row.pauseReason } : {}),
      idleSince: row.updatedAt,
    });
  }

  live(portalId: string, agentId: string): LiveAgent | undefined {
    return this.agents.get(AgentRegistry.key(portalId, agentId));
  }

  inPortal(portalId: string): LiveAgent[] {
    return [...this.agents.values()].filter((a) => a.row.portalId === portalId);
  }

  status(a: LiveAgent): AgentStatus {
    return {
      agentId: a.row.id,
      name: a.row.name,
      state: a.state,
      ...(a.pauseReason !== undefined ? { pauseReason: a.pauseReason } : {}),
    };
  }

  /** Applies an event; persists presence changes; tells listeners when the state changed. */
  async apply(portalId: string, agentId: string, event: AgentEvent): Promise<AgentStatus> {
    const a = this.live(portalId, agentId);
    if (!a) throw new AgentNotFoundError(agentId);
    const before = a.state;
    const beforeReason = a.pauseReason;
    const next = nextState(a.state, event);
    a.state = next.state;
    if (next.state === 'paused') a.pauseReason = next.pauseReason ?? a.pauseReason;
    else delete a.pauseReason;
    if (next.state === 'available' && before !== 'available') a.idleSince = this.clock.now();
    if (next.state !== 'wrap-up' && a.wrapUpTimer) {
      clearTimeout(a.wrapUpTimer);
      delete a.wrapUpTimer;
    }
    if (PERSISTED.has(event.type)) {
      const persisted = a.state === 'paused' || a.state === 'logged-off' ? a.state : 'available';
      await this.repo.saveAgentState(
        portalId,
        agentId,
        persisted,
        a.pauseReason ?? null,
        this.clock.now(),
      );
    }
    if (before !== a.state || beforeReason !== a.pauseReason) this.emit(portalId, a);
    return this.status(a);
  }

  /** After a call: wrap-up for `seconds`, then available again. */
  async endCall(portalId: string, agentId: string, wrapUpSeconds: number): Promise<void> {
    await this.apply(portalId, agentId, { type: 'hung-up', wrapUp: wrapUpSeconds > 0 });
    const a = this.live(portalId, agentId);
    if (a?.state === 'wrap-up') {
      a.wrapUpTimer = setTimeout(() => {
        this.apply(portalId, agentId, { type: 'wrap-up-done' }).catch((err: unknown) =>
          this.log.error({ err, agentId }, 'wrap-up end failed'),
        );
      }, wrapUpSeconds * 1000);
      a.wrapUpTimer.unref();
    }
  }

  private emit(portalId: string, a: LiveAgent): void {
    const status = this.status(a);
    for (const l of this.listeners) {
      try {
        l(portalId, status);
      } catch (err) {
        this.log.error({ err }, 'presence listener failed');
      }
    }
  }

  stop(): void {
    for (const a of this.agents.values()) if (a.wrapUpTimer) clearTimeout(a.wrapUpTimer);
  }

  // AgentPresence
  get(portalId: string, agentId: string): Promise<AgentStatus | null> {
    const a = this.live(portalId, agentId);
    return Promise.resolve(a ? this.status(a) : null);
  }
  login(portalId: string, agentId: string) {
    return this.apply(portalId, agentId, { type: 'login' });
  }
  logoff(portalId: string, agentId: string) {
    return this.apply(portalId, agentId, { type: 'logoff' });
  }
  pause(portalId: string, agentId: string, reason: string) {
    return this.apply(portalId, agentId, { type: 'pause', reason });
  }
  unpause(portalId: string, agentId: string) {
    return this.apply(portalId, agentId, { type: 'unpause' });
  }
  onChange(listener: (portalId: string, status: AgentStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
