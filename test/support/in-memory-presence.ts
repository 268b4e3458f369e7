// Test double of the widget's AgentPresence port (acd/port.ts), in memory: widget tests pass it
// as the `agentPresence` override so they can set agents' states without the ACD.
import type { AgentPresence, AgentState, AgentStatus } from '../../sidecar/src/acd/port.ts';

type Listener = (portalId: string, status: AgentStatus) => void;

export class InMemoryAgentPresence implements AgentPresence {
  private readonly agents = new Map<string, AgentStatus>();
  private readonly listeners = new Set<Listener>();

  get(portalId: string, agentId: string): Promise<AgentStatus | null> {
    const s = this.agents.get(key(portalId, agentId));
    return Promise.resolve(s ? { ...s } : null);
  }

  login(portalId: string, agentId: string): Promise<AgentStatus> {
    return Promise.resolve(this.set(portalId, agentId, 'available'));
  }

  logoff(portalId: string, agentId: string): Promise<AgentStatus> {
    return Promise.resolve(this.set(portalId, agentId, 'logged-off'));
  }

  pause(portalId: string, agentId: string, reason: string): Promise<AgentStatus> {
    return Promise.resolve(this.set(portalId, agentId, 'paused', reason));
  }

  unpause(portalId: string, agentId: string): Promise<AgentStatus> {
    return Promise.resolve(this.set(portalId, agentId, 'available'));
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(portalId: string, agentId: string, state: AgentState, reason?: string): AgentStatus {
    const status: AgentStatus = {
      agentId,
      name: this.agents.get(key(portalId, agentId))?.name ?? agentId,
      state,
      ...(reason !== undefined ? { pauseReason: reason } : {}),
    };
    this.agents.set(key(portalId, agentId), status);
    for (const l of this.listeners) l(portalId, { ...status });
    return { ...status };
  }
}

function key(portalId: string, agentId: string): string {
  return `${portalId}|${agentId}`;
}
