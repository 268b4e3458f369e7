// Database access for the ACD. Every query names its portalId.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { MoreThanOrEqual, Between, Not, IsNull, type DataSource } from 'typeorm';
import {
  AcdAgentEntity,
  AcdCallEntity,
  AcdMemberEntity,
  AcdPrefixRuleEntity,
  AcdQueueEntity,
  type AcdAgentRow,
  type AcdCallRow,
  type AcdMemberRow,
  type AcdPrefixRuleRow,
  type AcdQueueRow,
} from './entities.ts';
import type { AgentState } from '../port.ts';
import { inTransaction } from '../../store/transactions.ts';

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export function pinMatches(pin: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const given = scryptSync(pin, Buffer.from(salt, 'hex'), 32);
  const expected = Buffer.from(hash, 'hex');
  return expected.length === given.length && timingSafeEqual(given, expected);
}

export class AcdRepository {
  constructor(private readonly ds: DataSource) {}

  private get agents() {
    return this.ds.getRepository(AcdAgentEntity);
  }
  private get queues() {
    return this.ds.getRepository(AcdQueueEntity);
  }
  private get calls() {
    return this.ds.getRepository(AcdCallEntity);
  }

  allAgents(): Promise<AcdAgentRow[]> {
    return this.agents.find();
  }
  listAgents(portalId: string): Promise<AcdAgentRow[]> {
    return this.agents.find({ where: { portalId }, order: { number: 'ASC' } });
  }
  getAgent(portalId: string, id: string): Promise<AcdAgentRow | null> {
    return this.agents.findOneBy({ portalId, id });
  }
  findAgentByNumber(portalId: string, number: string): Promise<AcdAgentRow | null> {
    return this.agents.findOneBy({ portalId, number });
  }
  async saveAgent(row: AcdAgentRow): Promise<void> {
    await this.agents.save(row);
  }
  async saveAgentState(
    portalId: string,
    id: string,
    state: AgentState,
    pauseReason: string | null,
    at: number,
  ): Promise<void> {
    await this.agents.update({ portalId, id }, { state, pauseReason, updatedAt: at });
  }

  allQueues(): Promise<AcdQueueRow[]> {
    return this.queues.find();
  }
  listQueues(portalId: string): Promise<AcdQueueRow[]> {
    return this.queues.find({ where: { portalId }, order: { id: 'ASC' } });
  }
  getQueue(portalId: string, id: string): Promise<AcdQueueRow | null> {
    return this.queues.findOneBy({ portalId, id });
  }
  allMembers(): Promise<AcdMemberRow[]> {
    return this.ds.getRepository(AcdMemberEntity).find();
  }
  allPrefixRules(): Promise<AcdPrefixRuleRow[]> {
    return this.ds.getRepository(AcdPrefixRuleEntity).find();
  }

  /** Saves a queue with its members and prefix rules, replacing the old lists, atomically. */
  saveQueue(
    queue: AcdQueueRow,
    members?: readonly AcdMemberRow[],
    rules?: readonly AcdPrefixRuleRow[],
  ): Promise<void> {
    return inTransaction(this.ds, async (m) => {
      await m.getRepository(AcdQueueEntity).save(queue);
      const key = { portalId: queue.portalId, queueId: queue.id };
      if (members) {
        await m.getRepository(AcdMemberEntity).delete(key);
        if (members.length) await m.getRepository(AcdMemberEntity).insert([...members]);
      }
      if (rules) {
        await m.getRepository(AcdPrefixRuleEntity).delete(key);
        if (rules.length) await m.getRepository(AcdPrefixRuleEntity).insert([...rules]);
      }
    });
  }

  async recordCall(row: AcdCallRow): Promise<void> {
    await this.calls.insert(row);
  }

  /** Agent who last talked with this caller since `since` (sticky routing, A4). */
  async lastAgentFor(portalId: string, callerNumber: string, since: number) {
    const row = await this.calls.findOne({
      where: {
        portalId,
        callerNumber,
        outcome: 'answered',
        agentId: Not(IsNull()),
        endedAt: MoreThanOrEqual(since),
      },
      order: { endedAt: 'DESC' },
    });
    return row?.agentId ?? null;
  }

  /** Talk milliseconds per agent in this queue since `since` (most-talk strategy). */
  async talkTotals(portalId: string, queueId: string, since: number): Promise<Map<string, number>> {
    const rows = await this.calls
      .createQueryBuilder('c')
      .select('c.agentId', 'agentId')
      .addSelect('SUM(c.talkMs)', 'talk')
      .where(
        'c.portalId = :portalId AND c.queueId = :queueId AND c.endedAt >= :since AND c.agentId IS NOT NULL',
        { portalId, queueId, since },
      )
      .groupBy('c.agentId')
      .getRawMany<{ agentId: string; talk: string | number }>();
    return new Map(rows.map((r) => [r.agentId, Number(r.talk)]));
  }

  callsBetween(portalId: string, from: number, to: number, queueId?: string) {
    return this.calls.find({
      where: { portalId, endedAt: Between(from, to), ...(queueId ? { queueId } : {}) },
      order: { endedAt: 'ASC' },
    });
  }
}
