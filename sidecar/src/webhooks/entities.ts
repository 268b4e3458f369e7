// The webhook inbox (every HubSpot event, stored before we answer, processed by a worker) and
// the ticket mirror it keeps (status, subject, owner of each ticket, for the ticket card).
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export const InboxState = { Pending: 'pending', Done: 'done', Dead: 'dead' } as const;
export type InboxState = (typeof InboxState)[keyof typeof InboxState];

export interface WebhookInboxRow {
  id: string;
  portalId: string;
  /** HubSpot's eventId; (portalId, eventId) is unique: a redelivered event is ignored. */
  eventId: string;
  subscriptionType: string;
  /** `<objectType>:<objectId>`; events of one object are processed in occurredAt order. */
  objectKey: string;
  occurredAt: number;
  payload: string;
  state: InboxState;
  attempts: number;
  nextAttemptAt: number;
  lockToken: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  receivedAt: number;
  processedAt: number | null;
}

export const WebhookInboxEntity = new EntitySchema<WebhookInboxRow>({
  name: 'WebhookInbox',
  tableName: 'webhook_inbox',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    eventId: { name: 'event_id', type: 'varchar', length: 64 },
    subscriptionType: { name: 'subscription_type', type: 'varchar', length: 64 },
    objectKey: { name: 'object_key', type: 'varchar', length: 64 },
    occurredAt: { name: 'occurred_at', type: 'bigint', transformer: epochMs },
    payload: { type: 'text' },
    state: { type: 'varchar', length: 16 },
    attempts: { type: 'int', default: 0 },
    nextAttemptAt: { name: 'next_attempt_at', type: 'bigint', transformer: epochMs },
    lockToken: { name: 'lock_token', type: 'varchar', length: 36, nullable: true },
    lockedUntil: { name: 'locked_until', type: 'bigint', nullable: true, transformer: epochMs },
    lastError: { name: 'last_error', type: 'varchar', length: 1000, nullable: true },
    receivedAt: { name: 'received_at', type: 'bigint', transformer: epochMs },
    processedAt: { name: 'processed_at', type: 'bigint', nullable: true, transformer: epochMs },
  },
});

export interface TicketMirrorRow {
  portalId: string;
  ticketId: string;
  subject: string | null;
  /** hs_pipeline_stage */
  status: string | null;
  ownerId: string | null;
  /** occurredAt of the event that set each field: an older event never overwrites a newer one. */
  subjectAt: number;
  statusAt: number;
  ownerAt: number;
  deleted: boolean;
  updatedAt: number;
}

export const TicketMirrorEntity = new EntitySchema<TicketMirrorRow>({
  name: 'TicketMirror',
  tableName: 'ticket_mirror',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    ticketId: { name: 'ticket_id', type: 'varchar', length: 32, primary: true },
    subject: { type: 'varchar', length: 1000, nullable: true },
    status: { type: 'varchar', length: 64, nullable: true },
    ownerId: { name: 'owner_id', type: 'varchar', length: 32, nullable: true },
    subjectAt: { name: 'subject_at', type: 'bigint', transformer: epochMs },
    statusAt: { name: 'status_at', type: 'bigint', transformer: epochMs },
    ownerAt: { name: 'owner_at', type: 'bigint', transformer: epochMs },
    deleted: { type: 'boolean', default: false },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});
