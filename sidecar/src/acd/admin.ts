// Settings of the ACD (the CRM settings page and the seed file use it): agents, queues with
// their strategy, members with skill level, and caller-prefix rules. Input is validated with
// zod; a bad request names every problem and changes nothing.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { outsideDialString } from '../domain/outside-dial.ts';
import type { Clock } from '../ports.ts';
import { Strategies } from './domain/strategy.ts';
import type { QueueDirectory } from './directory.ts';
import type { AgentRegistry } from './presence.ts';
import { hashPin, type AcdRepository } from './store/acd-repository.ts';
import type { AcdAgentRow, AcdQueueRow } from './store/entities.ts';

export class AcdInputError extends Error {
  readonly code = 'BAD_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'AcdInputError';
  }
}

const agentNumber = z.string().regex(/^\d{1,16}$/, 'digits only, up to 16');
const pin = z.string().regex(/^\d{4,12}$/, '4 to 12 digits');
const dialFields = {
  /** A SIP phone anywhere: dialled through the [agents] endpoint, no per-agent Asterisk config. */
  sipUri: z
    .string()
    .regex(/^sips?:[^\s@]+@[^\s]+$/, 'sip:user@host[:port]')
    .optional(),
  /** Any fixed or mobile number, dialled through the trunk (stored as tel:<number>). */
  phoneNumber: z
    .string()
    .regex(/^\+?\d{3,20}$/, 'a phone number')
    .optional(),
  /** A raw Asterisk dial string (PJSIP/…, Local/…), for special set-ups and tests. */
  dial: z
    .string()
    .regex(/^(PJSIP|Local)\/\S+$/, 'PJSIP/… or Local/…')
    .optional(),
};

export const agentInput = z
  .object({ number: agentNumber, name: z.string().min(1).max(120), pin, ...dialFields })
  .strict();
export const agentPatch = z
  .object({ name: z.string().min(1).max(120).optional(), pin: pin.optional(), ...dialFields })
  .strict();

const member = z
  .object({
    agentId: z.string().optional(),
    agentNumber: agentNumber.optional(),
    skillLevel: z.number().int().min(0).max(100).default(1),
  })
  .strict();
const prefixRule = z
  .object({
    prefix: z.string().regex(/^\+?\d{1,20}$/, 'digits, optionally with +'),
    agentId: z.string().optional(),
    agentNumber: agentNumber.optional(),
  })
  .strict();

export const queueInput = z
  .object({
    name: z.string().min(1).max(120),
    description: z.string().max(500).default(''),
    number: z
      .string()
      .regex(/^[+*#\d]{1,32}$/)
      .nullable()
      .default(null),
    strategy: z.enum(Strategies),
    ringSeconds: z.number().int().min(1).max(60).default(5),
    maxRings: z.number().int().min(1).max(20).default(4),
    maxWaitSeconds: z.number().int().min(1).max(3600).default(300),
    wrapUpSeconds: z.number().int().min(0).max(600).default(0),
    welcomeMedia: z.string().max(200).nullable().default(null),
    mohClass: z.string().max(64).nullable().default(null),
    announceSeconds: z.number().int().min(0).max(600).default(30),
    holdMessageMedia: z.string().max(200).nullable().default(null),
    announcePosition: z.boolean().default(true),
    stickyDays: z.number().int().min(1).max(365).default(7),
    talkWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 366)
      .default(24),
    serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
    record: z.boolean().default(true),
    members: z.array(member).default([]),
    prefixRules: z.array(prefixRule).default([]),
  })
  .strict();
export const queueId = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'a-z, 0-9, _ and - (up to 64)');

export type AgentInput = z.input<typeof agentInput>;
export type QueueInput = z.input<typeof queueInput>;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new AcdInputError(
      r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    );
  return r.data;
}

/** Prefix of an agent's stored dial when it is an outside number. */
const TEL = 'tel:';

function dialOf(d: {
  sipUri?: string | undefined;
  phoneNumber?: string | undefined;
  dial?: string | undefined;
}) {
  const given = [d.sipUri, d.phoneNumber, d.dial].filter((v) => v !== undefined);
  if (given.length > 1) throw new AcdInputError('give one of sipUri, phoneNumber, dial');
  if (d.sipUri) return `PJSIP/agents/${d.sipUri}`;
  if (d.phoneNumber) return `${TEL}${d.phoneNumber}`;
  return d.dial;
}

/**
 * An agent on an outside number is stored as tel:<number> and turned into a dial string only
 * when it is rung, with the trunk template of the day: changing TRANSFER_DIAL_TEMPLATE moves
 * every such agent at once, no agent to re-save. Other dial strings are dialled as stored.
 */
export function agentEndpoint(dial: string, trunkDialTemplate: string): string {
  return dial.startsWith(TEL) ? outsideDialString(trunkDialTemplate, dial.slice(TEL.length)) : dial;
}

export function publicAgent(row: AcdAgentRow) {
  return { id: row.id, number: row.number, name: row.name, dial: row.dial };
}

export class AcdAdmin {
  constructor(
    private readonly repo: AcdRepository,
    private readonly agents: AgentRegistry,
    private readonly directory: QueueDirectory,
    private readonly clock: Clock,
  ) {}

  async createAgent(portalId: string, body: unknown): Promise<AcdAgentRow> {
    const input = parse(agentInput, body);
    const dial = dialOf(input);
    if (!dial) throw new AcdInputError('one of sipUri, phoneNumber, dial is required');
    if (await this.repo.findAgentByNumber(portalId, input.number))
      throw new AcdInputError(`agent number ${input.number} is taken`);
    const row: AcdAgentRow = {
      id: randomUUID(),
      portalId,
      number: input.number,
      name: input.name,
      pinHash: hashPin(input.pin),
      dial,
      state: 'logged-off',
      pauseReason: null,
      updatedAt: this.clock.now(),
    };
    await this.repo.saveAgent(row);
    this.agents.put(row);
    return row;
  }

  async updateAgent(portalId: string, agentId: string, body: unknown): Promise<AcdAgentRow | null> {
    const input = parse(agentPatch, body);
    const row = await this.repo.getAgent(portalId, agentId);
    if (!row) return null;
    const dial = dialOf(input);
    const next: AcdAgentRow = {
      ...row,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.pin !== undefined ? { pinHash: hashPin(input.pin) } : {}),
      ...(dial !== undefined ? { dial } : {}),
      updatedAt: this.clock.now(),
    };
    await this.repo.saveAgent(next);
    this.agents.put(next);
    return next;
  }

  /** Creates or replaces queue `id` with its members and prefix rules. */
  async putQueue(portalId: string, id: string, body: unknown): Promise<AcdQueueRow> {
    parse(queueId, id);
    const input = parse(queueInput, body);
    const agents = await this.repo.listAgents(portalId);
    const resolve = (
      ref: { agentId?: string | undefined; agentNumber?: string | undefined },
      where: string,
    ) => {
      const a = agents.find((x) =>
        ref.agentId !== undefined ? x.id === ref.agentId : x.number === ref.agentNumber,
      );
      if (!a)
        throw new AcdInputError(
          `${where}: no such agent ${ref.agentId ?? ref.agentNumber ?? '(none given)'}`,
        );
      return a.id;
    };
    const { members, prefixRules, ...settings } = input;
    const row: AcdQueueRow = { id, portalId, ...settings, updatedAt: this.clock.now() };
    const memberRows = members.map((m, i) => ({
      portalId,
      queueId: id,
      agentId: resolve(m, `members.${i}`),
      skillLevel: m.skillLevel,
      position: i,
    }));
    if (new Set(memberRows.map((m) => m.agentId)).size !== memberRows.length)
      throw new AcdInputError('members: an agent is listed twice');
    const ruleRows = prefixRules.map((r, i) => ({
      portalId,
      queueId: id,
      prefix: r.prefix,
      agentId: resolve(r, `prefixRules.${i}`),
    }));
    await this.repo.saveQueue(row, memberRows, ruleRows);
    await this.directory.load();
    return row;
  }

  async describeQueues(portalId: string) {
    const queues = await this.repo.listQueues(portalId);
    return queues.map((q) => {
      const live = this.directory.get(portalId, q.id);
      return {
        ...q,
        members: (live?.members ?? []).map((m) => ({
          agentId: m.agentId,
          skillLevel: m.skillLevel,
        })),
        prefixRules: (live?.prefixRules ?? []).map((r) => ({
          prefix: r.prefix,
          agentId: r.agentId,
        })),
      };
    });
  }
}
