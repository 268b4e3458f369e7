// What the card APIs need from features other parts of the sidecar own. The card router only
// talks to these interfaces; main.ts wires the real adapters (routing: remembered numbers,
// hours, holidays, emergency; ACD: agents, skills, queues). A port left unwired answers 501.
import type { CrmRef } from '../outbox/kinds.ts';

export interface RememberedNumber {
  /** E.164. */
  number: string;
  /** When the number was first remembered (epoch ms). */
  rememberedAt: number;
  /** Where it came from, e.g. 'caller-id', 'customer-code'. */
  source: string;
}

/** S6: numbers remembered against a customer record (contact or company). */
export interface RememberedNumbers {
  list(portalId: string, record: CrmRef): Promise<RememberedNumber[]>;
  /** Returns false when the number was not remembered for that record. */
  remove(portalId: string, record: CrmRef, number: string): Promise<boolean>;
}

export interface NumberOverview {
  /** The dialled number (DID), E.164. */
  number: string;
  label: string;
  /** Name of the flow the number runs. */
  flow: string;
}

export interface OpeningHours {
  /** ISO weekday 1 (Monday) … 7 (Sunday). */
  day: number;
  /** 'HH:MM' local time of the portal's time zone. */
  open: string;
  close: string;
}

export interface Holiday {
  /** 'YYYY-MM-DD': the (first) day. */
  date: string;
  name: string;
  /** A closure period spans days; a holiday is one day unless `to` says otherwise. */
  kind?: 'holiday' | 'closure';
  /** Last day, inclusive ('YYYY-MM-DD'); defaults to `date`. */
  to?: string;
  /** False for entries from the flows file, which are changed there, not from the page. */
  removable?: boolean;
  /** What callers hear that day, spoken by text-to-speech. */
  text?: string;
}

export interface EmergencyAnnouncement {
  enabled: boolean;
  text: string;
}

export interface RoutingSettingsView {
  timeZone: string;
  numbers: NumberOverview[];
  hours: OpeningHours[];
  holidays: Holiday[];
  emergency: EmergencyAnnouncement;
}

export interface RoutingSettingsPatch {
  /** Replaces the whole week (a day not listed is closed). */
  hours?: OpeningHours[];
  /** IANA zone the hours are in; only with `hours`. */
  timeZone?: string;
  emergency?: EmergencyAnnouncement;
  addHoliday?: Holiday;
  removeHoliday?: string;
}

/** Numbers and flows, hours, holidays and the emergency announcement of a portal. */
export interface RoutingSettings {
  get(portalId: string): Promise<RoutingSettingsView>;
  /** Applies the patch and returns the new view; throws a SettingsError on bad input. */
  update(portalId: string, patch: RoutingSettingsPatch): Promise<RoutingSettingsView>;
}

export interface AgentView {
  id: string;
  name: string;
  skills: string[];
  state: string;
}

export interface QueueView {
  id: string;
  name: string;
  strategy: string;
  skills: string[];
}

export interface AcdOverview {
  agents: AgentView[];
  queues: QueueView[];
  /** Strategies the ACD offers, for the settings page's picker. */
  strategies: string[];
}

/** Agents, skills, queues and strategies of a portal's call center. */
export interface AcdAdmin {
  overview(portalId: string): Promise<AcdOverview>;
  /** Returns null when the queue does not exist in this portal; throws SettingsError on a bad strategy. */
  setQueueStrategy(portalId: string, queueId: string, strategy: string): Promise<QueueView | null>;
}

/** A refusal the admin can fix (unknown strategy, bad hours): answered as 400 with the message. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** A campaign's counts as the campaign card shows them (campaigns/ computes them). */
export interface CampaignProgressView {
  id: string;
  name: string;
  /** draft, scheduled, running, paused, completed, cancelled. */
  state: string;
  total: number;
  dialled: number;
  answered: number;
  yes: number;
  no: number;
  pending: number;
  failed: number;
  skipped: number;
}

/** Where one contact stands in a campaign: its calls and its answer. */
export interface CampaignParticipationView {
  state: string;
  attempts: number;
  /** 'yes' | 'no' | null (not answered). */
  rsvp: string | null;
  lastOutcome: string | null;
}

export type CampaignCardAction = 'start' | 'pause' | 'resume' | 'cancel';

/** H3: the campaigns a contact is in, and starting/pausing/cancelling them from its card. */
export interface CampaignsForCards {
  forContact(
    portalId: string,
    contactId: string,
  ): Promise<{ campaign: CampaignProgressView; contact: CampaignParticipationView }[]>;
  /**
   * Returns the new state, or null when the campaign is not in this portal; throws a
   * CampaignStateError when the campaign's state does not allow the action.
   */
  act(portalId: string, campaignId: string, action: CampaignCardAction): Promise<string | null>;
}

/** An action the campaign's state refuses (pausing a draft): answered as 409 with the message. */
export class CampaignStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CampaignStateError';
  }
}

export interface CardPorts {
  rememberedNumbers?: RememberedNumbers;
  routingSettings?: RoutingSettings;
  acdAdmin?: AcdAdmin;
  campaigns?: CampaignsForCards;
}
