// Tells listeners that an agent's queue call changed: a conversation started or ended, or a
// consultation started, was answered or ended. Listeners read the new state themselves (the
// calling widget shows it live); a failing listener never disturbs the call.
import type { Logger } from '../ports.ts';

export type AgentCallListener = (portalId: string, agentId: string) => void;

export class AgentCallChanges {
  private readonly listeners = new Set<AgentCallListener>();

  constructor(private readonly log: Logger) {}

  /** Returns the unsubscribe function. */
  on(listener: AgentCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(portalId: string, agentId: string): void {
    for (const l of this.listeners) {
      try {
        l(portalId, agentId);
      } catch (err) {
        this.log.error({ err, agentId }, 'agent call listener failed');
      }
    }
  }
}
