// What the rest of the sidecar asks of the ACD (virtual call center). The flow engine's queue
// node calls CallQueues; the calling widget and the phone feature codes use AgentPresence.
// The ACD owns queues, agents, strategies, recordings and statistics behind these.
import type { CallChannel } from '../telephony/port.ts';

export interface QueueEntry {
  /** Account the call belongs to: queues and agents are per account. */
  portalId: string;
  queueId: string;
  call: CallChannel;
  /** E.164, or null when the caller withheld it. */
  callerNumber: string | null;
  /** CRM contact, when the caller was identified. */
  contactId?: string;
  /** Higher is served first (e.g. VIP callers from a CRM property); 0 is normal. */
  priority: number;
  /** Agent code typed by the caller, for the agent-code strategy. */
  agentCode?: string;
  /** The call record (CRM call) this queue call is part of: its recording is filed under it. */
  callId?: string;
}

export type QueueResult =
  /** Bridged to an agent; resolves after the conversation ended. */
  | {
      kind: 'answered';
      agentId: string;
      waitMs: number;
      talkMs: number;
      /** Recording id, served by the sidecar at /recordings/:id. */
      recordingId?: string;
      /** Signed link to that recording, for the CRM call (hs_call_recording_url). */
      recordingUrl?: string;
    }
  /**
   * The agent keyed a number on their phone that is neither a colleague nor a queue but has a
   * flow of its own (e.g. the park number): the caller goes on in that flow, `by` (the agent's
   * dial string) is who transferred them (a parked call comes back to them).
   */
  | { kind: 'handed-off'; number: string; agentId: string; by: string | null; waitMs: number }
  /** Waited the queue's maximum, or nobody can take calls: the flow continues (V7). */
  | { kind: 'overflow'; reason: 'max-wait' | 'no-agents'; waitMs: number }
  /** The caller hung up while waiting. */
  | { kind: 'abandoned'; waitMs: number };

export interface CallQueues {
  has(portalId: string, queueId: string): boolean;
  enqueue(entry: QueueEntry): Promise<QueueResult>;
}

export type AgentState = 'logged-off' | 'available' | 'ringing' | 'busy' | 'wrap-up' | 'paused';

export interface AgentStatus {
  agentId: string;
  name: string;
  state: AgentState;
  pauseReason?: string;
}

/** Thrown by AgentPresence when the account has no such agent. */
export class UnknownAgentError extends Error {
  constructor(agentId: string) {
    super(`no agent ${agentId}`);
    this.name = 'UnknownAgentError';
  }
}

export interface AgentPresence {
  get(portalId: string, agentId: string): Promise<AgentStatus | null>;
  login(portalId: string, agentId: string): Promise<AgentStatus>;
  logoff(portalId: string, agentId: string): Promise<AgentStatus>;
  pause(portalId: string, agentId: string, reason: string): Promise<AgentStatus>;
  unpause(portalId: string, agentId: string): Promise<AgentStatus>;
  /** Every state change, for the widget's live view. Returns an unsubscribe function. */
  onChange(listener: (portalId: string, status: AgentStatus) => void): () => void;
}
