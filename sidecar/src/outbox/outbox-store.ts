// The outbox table: a row is committed in the same transaction as the fact it reports, and a
// worker delivers it. Rows are claimed with a lease token by a conditional UPDATE, so two
// sidecar processes never send the same row at the same time.
import { randomUUID } from 'node:crypto';
import {
  IsNull,
  LessThan,
  LessThanOrEqual,
  Like,
  type DataSource,
  type EntityManager,
} from 'typeorm';
import type { Clock } from '../ports.ts';
import { OutboxEntity, OutboxState, type OutboxRow } from '../store/entities.ts';
import { leaseRows } from '../store/leases.ts';
import { inTransaction } from '../store/transactions.ts';

export interface NewOutboxItem {
  portalId: string;
  kind: string;
  dedupeKey: string;
  payload: unknown;
}

export type OutboxOutcome =
  | { row: OutboxRow; outcome: 'sent'; remoteId: string | null }
  | { row: OutboxRow; outcome: 'retry'; error: string; delayMs: number; remoteId?: string | null }
  | { row: OutboxRow; outcome: 'dead'; error: string; remoteId?: string | null };

export class OutboxStore {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Adds a row inside the caller's transaction. */
  async add(manager: EntityManager, item: NewOutboxItem): Promise<void> {
    const now = this.clock.now();
    // Every column is given: no need for TypeORM to read the row back after the insert.
    await manager
      .createQueryBuilder()
      .insert()
      .into(OutboxEntity)
      .updateEntity(false)
      .values({
        id: randomUUID(),
        portalId: item.portalId,
        kind: item.kind,
        dedupeKey: item.dedupeKey,
        payload: JSON.stringify(item.payload),
        state: OutboxState.Pending,
        attempts: 0,
        nextAttemptAt: now,
        lockToken: null,
        lockedUntil: null,
        remoteId: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      })
      .execute();
  }

  /** Claims up to `limit` due rows for `leaseMs`; returns them. */
  async claimDue(limit: number, leaseMs: number): Promise<OutboxRow[]> {
    const repo = this.ds.getRepository(OutboxEntity);
    const now = this.clock.now();
    const due = await repo.find({
      select: { id: true },
      where: [
        { state: OutboxState.Pending, nextAttemptAt: LessThanOrEqual(now), lockedUntil: IsNull() },
        {
          state: OutboxState.Pending,
          nextAttemptAt: LessThanOrEqual(now),
          lockedUntil: LessThan(now),
        },
      ],
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
    if (due.length === 0) return [];
    const ids = due.map((r) => r.id);
    const token = await leaseRows(repo, ids, OutboxState.Pending, now, leaseMs);
    return repo.find({ where: { lockToken: token, state: OutboxState.Pending } });
  }

  async markSent(row: OutboxRow, remoteId: string | null): Promise<void> {
    await this.ds.getRepository(OutboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        state: OutboxState.Sent,
        remoteId,
        sentAt: this.clock.now(),
        lockToken: null,
        lockedUntil: null,
        lastError: null,
      },
    );
  }

  async retryLater(
    row: OutboxRow,
    error: string,
    delayMs: number,
    remoteId?: string | null,
  ): Promise<void> {
    await this.ds.getRepository(OutboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        attempts: row.attempts + 1,
        nextAttemptAt: this.clock.now() + delayMs,
        lastError: error.slice(0, 1000),
        lockToken: null,
        lockedUntil: null,
        ...(remoteId ? { remoteId } : {}),
      },
    );
  }

  async markDead(row: OutboxRow, error: string): Promise<void> {
    await this.ds.getRepository(OutboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        state: OutboxState.Dead,
        attempts: row.attempts + 1,
        lastError: error.slice(0, 1000),
        lockToken: null,
        lockedUntil: null,
      },
    );
  }

  /**
   * Records the outcomes of one delivered batch in one transaction: a hundred single-row
   * commits would cost more than the paced request they follow.
   */
  async record(outcomes: OutboxOutcome[]): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.ds, async (manager) => {
      const repo = manager.getRepository(OutboxEntity);
      for (const o of outcomes) {
        const where = { id: o.row.id, lockToken: o.row.lockToken ?? '' };
        const unlock = { lockToken: null, lockedUntil: null };
        switch (o.outcome) {
          case 'sent':
            await repo.update(where, {
              ...unlock,
              state: OutboxState.Sent,
              remoteId: o.remoteId,
              sentAt: now,
              lastError: null,
            });
            break;
          case 'retry':
            await repo.update(where, {
              ...unlock,
              attempts: o.row.attempts + 1,
              nextAttemptAt: now + o.delayMs,
              lastError: o.error.slice(0, 1000),
              ...(o.remoteId ? { remoteId: o.remoteId } : {}),
            });
            break;
          case 'dead':
            await repo.update(where, {
              ...unlock,
              state: OutboxState.Dead,
              attempts: o.row.attempts + 1,
              lastError: o.error.slice(0, 1000),
              ...(o.remoteId ? { remoteId: o.remoteId } : {}),
            });
            break;
        }
      }
    });
  }

  /** A sender saves progress inside a row (e.g. uploaded file ids) while it holds the lease. */
  async savePayload(row: OutboxRow, payload: unknown): Promise<void> {
    const json = JSON.stringify(payload);
    await this.ds
      .getRepository(OutboxEntity)
      .update({ id: row.id, lockToken: row.lockToken ?? '' }, { payload: json });
    row.payload = json;
  }

  /**
   * The oldest row still pending among those whose dedupe key starts with `dedupePrefix`
   * (e.g. every update of one record), claimed or not; null when none is.
   */
  async oldestPending(
    portalId: string,
    kind: string,
    dedupePrefix: string,
  ): Promise<OutboxRow | null> {
    return this.ds.getRepository(OutboxEntity).findOne({
      where: { portalId, kind, state: OutboxState.Pending, dedupeKey: Like(`${dedupePrefix}%`) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Dead letters of one portal, newest first. */
  async deadLetters(portalId: string, limit = 200): Promise<OutboxRow[]> {
    return this.ds.getRepository(OutboxEntity).find({
      where: { portalId, state: OutboxState.Dead },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  /** Puts a dead letter back in the queue, due now; false when not a dead letter of this portal. */
  async retryDead(portalId: string, id: string): Promise<boolean> {
    const r = await this.ds
      .getRepository(OutboxEntity)
      .update(
        { id, portalId, state: OutboxState.Dead },
        { state: OutboxState.Pending, nextAttemptAt: this.clock.now(), attempts: 0 },
      );
    return r.affected === 1;
  }

  /** Drops a dead letter for good (kept as 'discarded' for the record). */
  async discardDead(portalId: string, id: string): Promise<boolean> {
    const r = await this.ds
      .getRepository(OutboxEntity)
      .update({ id, portalId, state: OutboxState.Dead }, { state: OutboxState.Discarded });
    return r.affected === 1;
  }

  async pendingCount(): Promise<number> {
    return this.ds.getRepository(OutboxEntity).count({ where: { state: OutboxState.Pending } });
  }

  async byDedupeKey(dedupeKey: string): Promise<OutboxRow | null> {
    return this.ds.getRepository(OutboxEntity).findOne({ where: { dedupeKey } });
  }
}
