// The card API's JSON, as the sidecar answers it (sidecar/src/cards/*).
export type ObjectType = 'contacts' | 'companies' | 'deals' | 'tickets';

export interface RecordRef {
  objectType: ObjectType;
  objectId: string;
}

export type SupportStatus = 'paid' | 'unpaid' | 'expired' | 'pending_authorization';
export type SupportAction = 'grant' | 'revoke';

export interface SupportView {
  property: string;
  status: SupportStatus | null;
  raw: string | null;
  pending: { action: SupportAction; status: SupportStatus } | null;
}

export interface RememberedNumber {
  number: string;
  rememberedAt: number;
  source: string;
}

export interface CallSummary {
  id: string;
  direction: string;
  fromNumber: string;
  toNumber: string;
  contactId: string | null;
  outcome: string;
  startedAt: number;
  durationMs: number;
  recordingUrl: string | null;
  hubspotCallId: string | null;
}

export interface CallerView {
  support: SupportView;
  /** null when the sidecar has no remembered-numbers store wired. */
  rememberedNumbers: RememberedNumber[] | null;
  recentCalls: CallSummary[];
}

export type AnswerType = 'text' | 'yes-no' | 'choice' | 'number';
export type AnswerValue = string | number | boolean;
export type ScriptAnswers = Record<string, Record<string, AnswerValue>>;

export interface ScriptQuestion {
  id: string;
  prompt: string;
  type: AnswerType;
  choices?: string[];
  required: boolean;
}

export interface ScriptStep {
  id: string;
  title: string;
  guidance: string;
  questions: ScriptQuestion[];
  branches: { questionId: string; equals: AnswerValue; goto: string | null }[];
  next?: string | null;
}

export interface CallScript {
  id: string;
  callType: string;
  name: string;
  steps: ScriptStep[];
}

export interface SavedAnswers {
  id: string;
  callId: string;
  scriptId: string;
  summary: string;
}

export interface RoutingSettingsView {
  timeZone: string;
  numbers: { number: string; label: string; flow: string }[];
  hours: { day: number; open: string; close: string }[];
  /** `kind`, `to` and `removable` come from sidecars that know closures and file entries. */
  holidays: {
    date: string;
    name: string;
    kind?: 'holiday' | 'closure';
    to?: string;
    removable?: boolean;
    /** The message callers hear that day (the sidecar speaks it). */
    text?: string;
  }[];
  emergency: { enabled: boolean; text: string };
}

export interface QueueView {
  id: string;
  name: string;
  strategy: string;
  skills: string[];
}

export interface AcdOverview {
  agents: { id: string; name: string; skills: string[]; state: string }[];
  queues: QueueView[];
  strategies: string[];
}

export interface SettingsView {
  routing: RoutingSettingsView | null;
  acd: AcdOverview | null;
}

/** Campaign card: a campaign's counts (sidecar cards/ports.ts CampaignProgressView). */
export interface CampaignProgress {
  id: string;
  name: string;
  state: 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
  total: number;
  dialled: number;
  answered: number;
  yes: number;
  no: number;
  pending: number;
  failed: number;
  skipped: number;
}

/** Where the record stands in one campaign. */
export interface CampaignParticipation {
  state: string;
  attempts: number;
  rsvp: 'yes' | 'no' | null;
  lastOutcome: string | null;
}

export interface ContactCampaign {
  campaign: CampaignProgress;
  contact: CampaignParticipation;
}

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';
