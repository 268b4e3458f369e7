// Live events for widget sessions, per (portal, agent): presence changes, call progress and
// the queue call being talked (transfers).
// The HTTP layer turns a subscription into a server-sent-events stream.
import type { AgentStatus } from '../acd/port.ts';
import type { WidgetCallView } from './call-view.ts';
import type { ConsultedView, QueueCallView } from './transfer-port.ts';

export type WidgetEvent =
  | { type: 'presence'; status: AgentStatus }
  | { type: 'call'; call: WidgetCallView }
  /** The queue caller the agent talks with (null: none any more), for transfers. */
  | { type: 'queue-call'; queueCall: QueueCallView | null; consultedBy: ConsultedView | null };

type Subscriber = (event: WidgetEvent) => void;

export class WidgetEvents {
  private readonly subs = new Map<string, Set<Subscriber>>();
  /** Open streams' end functions: shutdown ends them (an open SSE response holds the server). */
  private readonly streams = new Set<() => void>();

  /** Registers an open stream; returns its unregister function. */
  openStream(end: () => void): () => void {
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  endAllStreams(): void {
    for (const end of [...this.streams]) end();
    this.streams.clear();
  }

  subscribe(portalId: string, agentId: string, fn: Subscriber): () => void {
    const k = key(portalId, agentId);
    let set = this.subs.get(k);
    if (!set) this.subs.set(k, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.subs.delete(k);
    };
  }

  publish(portalId: string, agentId: string, event: WidgetEvent): void {
    for (const fn of this.subs.get(key(portalId, agentId)) ?? []) fn(event);
  }

  /** Agents of a portal with an open widget. */
  connectedAgents(portalId: string): string[] {
    const prefix = `${portalId}|`;
    return [...this.subs.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
  }

  subscriberCount(): number {
    let n = 0;
    for (const s of this.subs.values()) n += s.size;
    return n;
  }
}

function key(portalId: string, agentId: string): string {
  return `${portalId}|${agentId}`;
}
