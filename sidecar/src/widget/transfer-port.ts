// What the calling widget needs from the call center to transfer the queue caller an agent is
// talking with. The ACD implements it (acd/widget-transfers.ts); the widget knows only this.
// Every method acts for the (portal, agent) of the widget session, never for another agent.

export interface QueueCallView {
  /** E.164, or null when the caller withheld it. */
  callerNumber: string | null;
  /** The caller ID name the call came with, if any. */
  callerName: string | null;
  /** The caller's CRM contact, when identified. */
  contactId: string | null;
  queueId: string;
  queueName: string;
  /** The colleague the agent is consulting (attended transfer), if any. */
  consultation: ConsultationView | null;
}

export interface ConsultationView {
  toAgentId: string;
  toName: string;
  /** Ringing the colleague, or talking with them while the caller holds. */
  state: 'ringing' | 'talking';
}

/** A colleague consulting this agent about their queue caller (the other end of a consult). */
export interface ConsultedView {
  fromAgentId: string;
  fromName: string;
  callerNumber: string | null;
  callerName: string | null;
  contactId: string | null;
  queueName: string;
  /** This agent's phone rings, or they talk with the colleague while the caller holds. */
  state: 'ringing' | 'talking';
}

export interface TransferTargets {
  /** Colleagues of the same account who are available now. */
  agents: { agentId: string; name: string }[];
  queues: { queueId: string; name: string }[];
}

export type TransferTarget = { agentId: string } | { queueId: string };

export const TransferRefusals = {
  NOT_IN_QUEUE_CALL: 'NOT_IN_QUEUE_CALL',
  ALREADY_CONSULTING: 'ALREADY_CONSULTING',
  NOT_CONSULTING: 'NOT_CONSULTING',
  BAD_TARGET: 'BAD_TARGET',
  UNKNOWN_COLLEAGUE: 'UNKNOWN_COLLEAGUE',
  UNKNOWN_QUEUE: 'UNKNOWN_QUEUE',
  COLLEAGUE_UNAVAILABLE: 'COLLEAGUE_UNAVAILABLE',
  /** The call changed under the request (e.g. the caller hung up meanwhile). */
  REFUSED: 'REFUSED',
} as const;
export type TransferRefusal = keyof typeof TransferRefusals;

/** An expected refusal: the router answers it with its code (status mapping in the router). */
export class TransferRefusedError extends Error {
  constructor(
    readonly code: TransferRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'TransferRefusedError';
  }
}

export interface QueueCallTransfers {
  /** The queue caller the agent is talking with now, or null. */
  current(portalId: string, agentId: string): QueueCallView | null;
  /** The colleague consulting this agent now (they ring or talk in a consultation), or null. */
  consultedBy(portalId: string, agentId: string): ConsultedView | null;
  targets(portalId: string, agentId: string): TransferTargets;
  /** Blind transfer: the agent's leg ends at once, the caller waits for the target. */
  blind(portalId: string, agentId: string, target: TransferTarget): Promise<void>;
  /** Attended transfer, first step: the caller holds, the colleague is rung. */
  consult(portalId: string, agentId: string, toAgentId: string): Promise<void>;
  /** 'transferred' when the colleague had answered, 'transferring' when they still ring. */
  complete(portalId: string, agentId: string): Promise<'transferred' | 'transferring'>;
  /** Back with the caller; the colleague's leg ends. */
  cancel(portalId: string, agentId: string): Promise<void>;
  /** An agent's queue call changed (started, ended, consultation moved on, on either end). */
  onChange(listener: (portalId: string, agentId: string) => void): () => void;
}
