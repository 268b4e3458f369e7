// Who dials what, across processes. A line is a row per allowed simultaneous call; a contact
// is dialled by whoever wins its conditional UPDATE. Both are leases: renewed while the call
// lasts, so a crashed process's lines and contacts come back after at most one lease period.
// Leases run on the wall clock (liveness), never on the business clock the tests move around.
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { LineEntity, TargetEntity, TargetState, type TargetRow } from './entities.ts';

/** Default lease: a crashed process's contacts come back after at most this long. */
export const LEASE_MS = 30_000;

export class Claims {
  constructor(
    private readonly ds: DataSource,
    readonly leaseMs: number = LEASE_MS,
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Takes a free line of the campaign, or null when every line is busy. */
  async claimLine(campaignId: string, lines: number): Promise<string | null> {
    const now = this.wallNow();
    const repo = this.ds.getRepository(LineEntity);
    // One read finds the free slots (a pass that finds every line busy costs one query, not one
    // UPDATE per slot); a conditional UPDATE then takes one, and a lost race tries the next.
    const free = await repo
      .createQueryBuilder('l')
      .select('l.slot', 'slot')
      .where('l.campaign_id = :campaignId AND l.slot < :lines', { campaignId, lines })
      .andWhere('(l.lease_token IS NULL OR l.lease_until < :now)', { now })
      .getRawMany<{ slot: number | string }>();
    // In random order, so two processes rarely race for the same row.
    const slots = free.map((l) => Number(l.slot)).sort(() => Math.random() - 0.5);
    const token = randomUUID();
    for (const slot of slots) {
      const res = await repo
        .createQueryBuilder()
        .update()
        .set({ leaseToken: token, leaseUntil: now + this.leaseMs })
        .where('campaign_id = :campaignId AND slot = :slot', { campaignId, slot })
        .andWhere('(lease_token IS NULL OR lease_until < :now)', { now })
        .execute();
      if (res.affected === 1) return token;
    }
    return null;
  }

  async releaseLine(token: string): Promise<void> {
    await this.ds
      .getRepository(LineEntity)
      .update({ leaseToken: token }, { leaseToken: null, leaseUntil: null });
  }

  /** Takes the next due contact (business time `due`), or null when none is due. */
  async claimTarget(campaignId: string, due: number): Promise<TargetRow | null> {
    const repo = this.ds.getRepository(TargetEntity);
    for (let round = 0; round < 3; round++) {
      const now = this.wallNow();
      const candidates = await repo
        .createQueryBuilder('t')
        .where('t.campaign_id = :campaignId AND t.state = :pending AND t.next_attempt_at <= :due', {
          campaignId,
          pending: TargetState.Pending,
          due,
        })
        .orderBy('t.next_attempt_at', 'ASC')
        .addOrderBy('t.row_no', 'ASC')
        .limit(8)
        .getMany();
      if (candidates.length === 0) return null;
      // Shuffle the head of the queue: two processes then mostly try different rows first.
      const shuffled = candidates.sort(() => Math.random() - 0.5);
      for (const candidate of shuffled) {
        const claimed = {
          state: TargetState.Dialling,
          leaseToken: randomUUID(),
          leaseUntil: now + this.leaseMs,
        };
        const res = await repo
          .createQueryBuilder()
          .update()
          .set(claimed)
          // Still as read: pending, due, and no attempt made since (another process may have
          // dialled it and put it back for a later retry in between).
          .where('id = :id AND state = :pending AND attempts = :attempts', {
            id: candidate.id,
            pending: TargetState.Pending,
            attempts: candidate.attempts,
          })
          .andWhere('next_attempt_at <= :due', { due })
          .execute();
        // Won: the row is the one read, with what this UPDATE set.
        if (res.affected === 1) return { ...candidate, ...claimed };
      }
    }
    return null;
  }

  /** Keeps the leases of calls still in progress alive. */
  async renew(lineTokens: readonly string[], targetTokens: readonly string[]): Promise<void> {
    const until = this.wallNow() + this.leaseMs;
    if (lineTokens.length > 0)
      await this.ds
        .getRepository(LineEntity)
        .update({ leaseToken: In([...lineTokens]) }, { leaseUntil: until });
    if (targetTokens.length > 0)
      await this.ds
        .getRepository(TargetEntity)
        .update({ leaseToken: In([...targetTokens]) }, { leaseUntil: until });
  }

  /** Contacts whose dialling process died (lease expired mid-attempt). */
  async expiredTargets(limit = 100): Promise<TargetRow[]> {
    return this.ds
      .getRepository(TargetEntity)
      .createQueryBuilder('t')
      .where('t.state = :d AND t.lease_until < :now', {
        d: TargetState.Dialling,
        now: this.wallNow(),
      })
      .limit(limit)
      .getMany();
  }
}
