// Campaign tables (migration 1732800000000). Instants are epoch ms (store/columns.ts).
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export const CampaignState = {
  Draft: 'draft',
  /** Started with a future startAt: an agenda job flips it to running at that time. */
  Scheduled: 'scheduled',
  Running: 'running',
  Paused: 'paused',
  Cancelled: 'cancelled',
  Completed: 'completed',
} as const;
export type CampaignState = (typeof CampaignState)[keyof typeof CampaignState];

export const TargetState = {
  Pending: 'pending',
  Dialling: 'dialling',
  /** SMS sent (fallback or instead of a call); waiting for the reply. */
  AwaitingSms: 'awaiting-sms',
  Done: 'done',
  Failed: 'failed',
  Skipped: 'skipped',
} as const;
export type TargetState = (typeof TargetState)[keyof typeof TargetState];

export interface CampaignRow {
  id: string;
  portalId: string;
  name: string;
  definition: string;
  state: CampaignState;
  startAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface TargetRow {
  id: string;
  portalId: string;
  campaignId: string;
  rowNo: number;
  phone: string;
  contactId: string | null;
  variables: string;
  timeZone: string;
  state: TargetState;
  attempts: number;
  nextAttemptAt: number;
  leaseToken: string | null;
  leaseUntil: number | null;
  lastOutcome: string | null;
  rsvp: string | null;
  result: string | null;
  skipReason: string | null;
  /**
   * Set when a workflow action enrolled the contact: the key its BLOCKed execution waits under
   * (actions/), completed when the contact's last attempt ends. Column name kept from when it
   * held HubSpot's callbackId.
   */
  actionKey: string | null;
  smsState: string | null;
  updatedAt: number;
}

export interface AttemptRow {
  id: string;
  portalId: string;
  campaignId: string;
  targetId: string;
  attemptNo: number;
  state: 'dialling' | 'finished';
  outcome: string | null;
  answer: string | null;
  amdStatus: string | null;
  played: string | null;
  channelId: string | null;
  owner: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

export interface LineRow {
  campaignId: string;
  slot: number;
  leaseToken: string | null;
  leaseUntil: number | null;
}

export interface DncRow {
  portalId: string;
  phone: string;
  reason: string;
  createdAt: number;
}

export interface ImportRow {
  id: string;
  portalId: string;
  campaignId: string;
  state: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  good: number;
  bad: string;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

const v = (name: string, length: number, nullable = false) =>
  ({ name, type: 'varchar', length, nullable }) as const;
const ms = (name: string, nullable = false) =>
  ({ name, type: 'bigint', nullable, transformer: epochMs }) as const;

export const CampaignEntity = new EntitySchema<CampaignRow>({
  name: 'Campaign',
  tableName: 'campaigns',
  columns: {
    id: { ...v('id', 36), primary: true },
    portalId: v('portal_id', 32),
    name: v('name', 200),
    definition: { type: 'text' },
    state: v('state', 16),
    startAt: ms('start_at', true),
    createdAt: ms('created_at'),
    updatedAt: ms('updated_at'),
  },
});

export const TargetEntity = new EntitySchema<TargetRow>({
  name: 'CampaignTarget',
  tableName: 'campaign_targets',
  columns: {
    id: { ...v('id', 36), primary: true },
    portalId: v('portal_id', 32),
    campaignId: v('campaign_id', 36),
    rowNo: { name: 'row_no', type: 'int' },
    phone: v('phone', 32),
    contactId: v('contact_id', 32, true),
    variables: { type: 'text' },
    timeZone: v('time_zone', 64),
    state: v('state', 16),
    attempts: { type: 'int' },
    nextAttemptAt: ms('next_attempt_at'),
    leaseToken: v('lease_token', 36, true),
    leaseUntil: ms('lease_until', true),
    lastOutcome: v('last_outcome', 16, true),
    rsvp: v('rsvp', 8, true),
    result: v('result', 16, true),
    skipReason: v('skip_reason', 200, true),
    actionKey: v('callback_id', 64, true),
    smsState: v('sms_state', 16, true),
    updatedAt: ms('updated_at'),
  },
});

export const AttemptEntity = new EntitySchema<AttemptRow>({
  name: 'CampaignAttempt',
  tableName: 'campaign_attempts',
  columns: {
    id: { ...v('id', 36), primary: true },
    portalId: v('portal_id', 32),
    campaignId: v('campaign_id', 36),
    targetId: v('target_id', 36),
    attemptNo: { name: 'attempt_no', type: 'int' },
    state: v('state', 16),
    outcome: v('outcome', 16, true),
    answer: v('answer', 8, true),
    amdStatus: v('amd_status', 16, true),
    played: { type: 'text', nullable: true },
    channelId: v('channel_id', 64, true),
    owner: v('owner', 64),
    startedAt: ms('started_at'),
    answeredAt: ms('answered_at', true),
    endedAt: ms('ended_at', true),
  },
});

export const LineEntity = new EntitySchema<LineRow>({
  name: 'CampaignLine',
  tableName: 'campaign_lines',
  columns: {
    campaignId: { ...v('campaign_id', 36), primary: true },
    slot: { type: 'int', primary: true },
    leaseToken: v('lease_token', 36, true),
    leaseUntil: ms('lease_until', true),
  },
});

export const DncEntity = new EntitySchema<DncRow>({
  name: 'CampaignDnc',
  tableName: 'campaign_dnc',
  columns: {
    portalId: { ...v('portal_id', 32), primary: true },
    phone: { ...v('phone', 32), primary: true },
    reason: v('reason', 64),
    createdAt: ms('created_at'),
  },
});

export const ImportEntity = new EntitySchema<ImportRow>({
  name: 'CampaignImport',
  tableName: 'campaign_imports',
  columns: {
    id: { ...v('id', 36), primary: true },
    portalId: v('portal_id', 32),
    campaignId: v('campaign_id', 36),
    state: v('state', 16),
    total: { type: 'int' },
    processed: { type: 'int' },
    good: { type: 'int' },
    bad: { type: 'text' },
    error: v('error', 500, true),
    createdAt: ms('created_at'),
    updatedAt: ms('updated_at'),
  },
});

export const campaignEntities = [
  CampaignEntity,
  TargetEntity,
  AttemptEntity,
  LineEntity,
  DncEntity,
  ImportEntity,
];
