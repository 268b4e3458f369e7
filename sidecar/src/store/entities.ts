import { EntitySchema } from 'typeorm';
import type { CallDirection, CallOutcome } from '../domain/call.ts';
import { epochMs } from './columns.ts';

export interface CallRecordRow {
  id: string;
  portalId: string;
  channelId: string;
  direction: CallDirection;
  fromNumber: string;
  toNumber: string;
  contactId: string | null;
  outcome: CallOutcome;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  durationMs: number;
  hangupCause: string | null;
  note: string | null;
}

export const CallRecordEntity = new EntitySchema<CallRecordRow>({
  name: 'CallRecord',
  tableName: 'call_records',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    channelId: { name: 'channel_id', type: 'varchar', length: 64 },
    direction: { type: 'varchar', length: 16 },
    fromNumber: { name: 'from_number', type: 'varchar', length: 32 },
    toNumber: { name: 'to_number', type: 'varchar', length: 32 },
    contactId: { name: 'contact_id', type: 'varchar', length: 32, nullable: true },
    outcome: { type: 'varchar', length: 16 },
    startedAt: { name: 'started_at', type: 'bigint', transformer: epochMs },
    answeredAt: { name: 'answered_at', type: 'bigint', nullable: true, transformer: epochMs },
    endedAt: { name: 'ended_at', type: 'bigint', transformer: epochMs },
    durationMs: { name: 'duration_ms', type: 'int' },
    hangupCause: { name: 'hangup_cause', type: 'varchar', length: 64, nullable: true },
    note: { type: 'varchar', length: 1000, nullable: true },
  },
});

export const OutboxState = {
  Pending: 'pending',
  Sent: 'sent',
  /** HubSpot refused it for good (4xx other than 429): waits in the dead-letter view. */
  Dead: 'dead',
  /** An administrator dropped it from the dead-letter view. */
  Discarded: 'discarded',
} as const;
export type OutboxState = (typeof OutboxState)[keyof typeof OutboxState];

export interface OutboxRow {
  id: string;
  portalId: string;
  kind: string;
  /** One row per effect in the CRM: a second insert with the same key is refused. */
  dedupeKey: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lockToken: string | null;
  lockedUntil: number | null;
  remoteId: string | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    kind: { type: 'varchar', length: 32 },
    dedupeKey: { name: 'dedupe_key', type: 'varchar', length: 128, unique: true },
    payload: { type: 'text' },
    state: { type: 'varchar', length: 16 },
    attempts: { type: 'int', default: 0 },
    nextAttemptAt: { name: 'next_attempt_at', type: 'bigint', transformer: epochMs },
    lockToken: { name: 'lock_token', type: 'varchar', length: 36, nullable: true },
    lockedUntil: { name: 'locked_until', type: 'bigint', nullable: true, transformer: epochMs },
    remoteId: { name: 'remote_id', type: 'varchar', length: 32, nullable: true },
    lastError: { name: 'last_error', type: 'varchar', length: 1000, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
    sentAt: { name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs },
  },
});
