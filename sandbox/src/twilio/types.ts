// Shapes shared by the Twilio sandbox modules. Field names follow Twilio's Message resource
// (https://www.twilio.com/docs/messaging/api/message-resource); times are epoch milliseconds.

export const MessageStatus = {
  accepted: 'accepted',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  received: 'received',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  MessageStatus.delivered,
  MessageStatus.undelivered,
  MessageStatus.failed,
  MessageStatus.received,
]);

export const MessageDirection = {
  outboundApi: 'outbound-api',
  outboundReply: 'outbound-reply',
  inbound: 'inbound',
} as const;
export type MessageDirection = (typeof MessageDirection)[keyof typeof MessageDirection];

/** What the (simulated) carrier does with messages to a given destination number. */
export type DeliveryOutcome =
  { status: 'delivered' } | { status: 'undelivered' | 'failed'; errorCode: number };

export interface IncomingNumber {
  sid: string;
  phoneNumber: string;
  /** Where Twilio POSTs incoming messages ("A message comes in" webhook), or null. */
  smsUrl: string | null;
}

export interface SandboxAccount {
  sid: string;
  authToken: string;
  friendlyName: string;
  /** Every account gets one Messaging Service whose sender pool is all its numbers. */
  messagingServiceSid: string;
  numbers: Map<string, IncomingNumber>;
}

export interface StoredMessage {
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  to: string;
  /** The sender actually used; hidden (from: null) while the status is "accepted". */
  sender: string;
  body: string;
  mediaUrls: string[];
  status: MessageStatus;
  direction: MessageDirection;
  numSegments: number;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  price: string | null;
  statusCallback: string | null;
  outcome: DeliveryOutcome;
}

export interface WebhookResult {
  status: number | null;
  body: string | null;
  /** Transport failure (connection refused, timeout) — status is then null. */
  error: string | null;
}

export interface CallbackRecord extends WebhookResult {
  messageSid: string;
  messageStatus: MessageStatus;
  url: string;
  params: Record<string, string>;
  signature: string;
  at: number;
}

export type OptOutType = 'STOP' | 'START' | 'HELP';

export interface InboundReply {
  body: string;
  /** Sid of the outbound-reply message created from the TwiML, when it was accepted. */
  sid: string | null;
  errorCode: number | null;
}

export interface InboundRecord {
  messageSid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  optOutType: OptOutType | null;
  /** Twilio's own confirmation text for STOP/START/HELP (Advanced Opt-Out defaults). */
  autoReply: string | null;
  webhookUrl: string | null;
  params: Record<string, string>;
  signature: string | null;
  response: WebhookResult | null;
  /** Twilio debugger code for the webhook leg: 11200 HTTP retrieval failure, 12100 bad TwiML. */
  errorCode: number | null;
  replies: InboundReply[];
  at: number;
}

export interface Faults {
  latencyMs: number;
  /** HTTP status (500–599) returned instead of processing, or null. */
  status5xx: number | null;
  /** How many more requests the 5xx applies to; null = until cleared. */
  remaining: number | null;
  /** Drop connections without answering (as if api.twilio.com were unreachable). */
  outage: boolean;
}

export interface RateLimit {
  /** Requests allowed per account per window. */
  limit: number;
  windowMs: number;
}

export interface Transition {
  sid: string;
  from: MessageStatus;
  to: MessageStatus;
}
