// ACD tables: agents, queues (services), memberships with skill level, caller-prefix rules and
// the queue call history (sticky routing, talk-time strategy, statistics). All per portalId.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../../store/columns.ts';
import type { AgentState } from '../port.ts';
import type { Strategy } from '../domain/strategy.ts';

export interface AcdAgentRow {
  id: string;
  portalId: string;
  /** Agent number: typed at phone login and by callers (agent-code strategy). */
  number: string;
  name: string;
  /** scrypt hash of the PIN ("salt:hash", hex). */
  pinHash: string;
  /**
   * Asterisk dial string (PJSIP/agents/sip:…, Local/…), or tel:<number> for an outside number,
   * dialled with the trunk template (admin.ts agentEndpoint).
   */
  dial: string;
  state: AgentState;
  pauseReason: string | null;
  updatedAt: number;
}

export const AcdAgentEntity = new EntitySchema<AcdAgentRow>({
  name: 'AcdAgent',
  tableName: 'acd_agents',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    number: { type: 'varchar', length: 16 },
    name: { type: 'varchar', length: 120 },
    pinHash: { name: 'pin_hash', type: 'varchar', length: 200 },
    dial: { type: 'varchar', length: 255 },
    state: { type: 'varchar', length: 16 },
    pauseReason: { name: 'pause_reason', type: 'varchar', length: 200, nullable: true },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
  uniques: [{ name: 'uq_acd_agents_portal_number', columns: ['portalId', 'number'] }],
});

export interface AcdQueueRow {
  id: string;
  portalId: string;
  name: string;
  description: string;
  /** Called number (DID) that reaches this service directly, if any (Q5). */
  number: string | null;
  strategy: Strategy;
  /** Seconds of one ring; an attempt lasts maxRings × ringSeconds. */
  ringSeconds: number;
  /** An agent who lets it ring this many times is paused automatically (Q3). */
  maxRings: number;
  maxWaitSeconds: number;
  wrapUpSeconds: number;
  welcomeMedia: string | null;
  mohClass: string | null;
  /** Announcement (hold message and/or position) every N seconds; 0 = never. */
  announceSeconds: number;
  /** Hold message played at each announcement, before the position (Q5); none if null. */
  holdMessageMedia: string | null;
  /** Whether each announcement says the caller's position. */
  announcePosition: boolean;
  stickyDays: number;
  talkWindowHours: number;
  serviceLevelSeconds: number;
  record: boolean;
  updatedAt: number;
}

export const AcdQueueEntity = new EntitySchema<AcdQueueRow>({
  name: 'AcdQueue',
  tableName: 'acd_queues',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    name: { type: 'varchar', length: 120 },
    description: { type: 'varchar', length: 500 },
    number: { type: 'varchar', length: 32, nullable: true },
    strategy: { type: 'varchar', length: 24 },
    ringSeconds: { name: 'ring_seconds', type: 'int' },
    maxRings: { name: 'max_rings', type: 'int' },
    maxWaitSeconds: { name: 'max_wait_seconds', type: 'int' },
    wrapUpSeconds: { name: 'wrap_up_seconds', type: 'int' },
    welcomeMedia: { name: 'welcome_media', type: 'varchar', length: 200, nullable: true },
    mohClass: { name: 'moh_class', type: 'varchar', length: 64, nullable: true },
    announceSeconds: { name: 'announce_seconds', type: 'int' },
    holdMessageMedia: {
      name: 'hold_message_media',
      type: 'varchar',
      length: 200,
      nullable: true,
    },
    announcePosition: { name: 'announce_position', type: 'boolean', default: true },
    stickyDays: { name: 'sticky_days', type: 'int' },
    talkWindowHours: { name: 'talk_window_hours', type: 'int' },
    serviceLevelSeconds: { name: 'service_level_seconds', type: 'int' },
    record: { type: 'boolean' },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});

export interface AcdMemberRow {
  portalId: string;
  queueId: string;
  agentId: string;
  skillLevel: number;
  /** Order in the member list (round robin). */
  position: number;
}

export const AcdMemberEntity = new EntitySchema<AcdMemberRow>({
  name: 'AcdMember',
  tableName: 'acd_members',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    queueId: { name: 'queue_id', type: 'varchar', length: 64, primary: true },
    agentId: { name: 'agent_id', type: 'varchar', length: 36, primary: true },
    skillLevel: { name: 'skill_level', type: 'int' },
    position: { type: 'int' },
  },
});

export interface AcdPrefixRuleRow {
  portalId: string;
  queueId: string;
  prefix: string;
  agentId: string;
}

export const AcdPrefixRuleEntity = new EntitySchema<AcdPrefixRuleRow>({
  name: 'AcdPrefixRule',
  tableName: 'acd_prefix_rules',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    queueId: { name: 'queue_id', type: 'varchar', length: 64, primary: true },
    prefix: { type: 'varchar', length: 32, primary: true },
    agentId: { name: 'agent_id', type: 'varchar', length: 36 },
  },
});

export interface AcdCallRow {
  id: string;
  portalId: string;
  queueId: string;
  callerNumber: string | null;
  agentId: string | null;
  outcome: 'answered' | 'abandoned' | 'overflow';
  priority: number;
  enteredAt: number;
  answeredAt: number | null;
  endedAt: number;
  waitMs: number;
  talkMs: number;
  recordingId: string | null;
}

export const AcdCallEntity = new EntitySchema<AcdCallRow>({
  name: 'AcdCall',
  tableName: 'acd_calls',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    queueId: { name: 'queue_id', type: 'varchar', length: 64 },
    callerNumber: { name: 'caller_number', type: 'varchar', length: 32, nullable: true },
    agentId: { name: 'agent_id', type: 'varchar', length: 36, nullable: true },
    outcome: { type: 'varchar', length: 16 },
    priority: { type: 'int' },
    enteredAt: { name: 'entered_at', type: 'bigint', transformer: epochMs },
    answeredAt: { name: 'answered_at', type: 'bigint', nullable: true, transformer: epochMs },
    endedAt: { name: 'ended_at', type: 'bigint', transformer: epochMs },
    waitMs: { name: 'wait_ms', type: 'int' },
    talkMs: { name: 'talk_ms', type: 'int' },
    recordingId: { name: 'recording_id', type: 'varchar', length: 64, nullable: true },
  },
  indices: [
    { name: 'ix_acd_calls_portal_caller', columns: ['portalId', 'callerNumber', 'endedAt'] },
    { name: 'ix_acd_calls_portal_ended', columns: ['portalId', 'endedAt'] },
  ],
});

export const acdEntities = [
  AcdAgentEntity,
  AcdQueueEntity,
  AcdMemberEntity,
  AcdPrefixRuleEntity,
  AcdCallEntity,
];
