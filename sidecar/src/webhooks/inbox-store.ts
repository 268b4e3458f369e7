// The durable webhook inbox: a batch is stored in one INSERT that ignores events already seen
// ((portalId, eventId) is unique), so HubSpot's redeliveries are de-duplicated by the database
// itself. Rows are claimed with a lease (like the outbox) and an event is only claimable when no
// earlier event of the same object is still waiting or being processed: per object, events are
// handled in occurredAt order even across retries and processes.
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../ports.ts';
import { leaseRows } from '../store/leases.ts';
import { InboxState, WebhookInboxEntity, type WebhookInboxRow } from './entities.ts';
import { objectKeyOf, type WebhookEvent } from './events.ts';

export class WebhookInbox {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Stores events (valid ones pending, invalid ones dead with the reason); duplicates are ignored. */
  async add(
    events: WebhookEvent[],
    invalid: { raw: unknown; error: string }[] = [],
  ): Promise<void> {
    const now = this.clock.now();
    const rows: WebhookInboxRow[] = events.map((e) => ({
      id: randomUUID(),
      portalId: e.portalId,
      eventId: e.eventId,
      subscriptionType: e.subscriptionType,
      objectKey: objectKeyOf(e),
      occurredAt: e.occurredAt,
      payload: JSON.stringify(e),
      state: InboxState.Pending,
      attempts: 0,
      nextAttemptAt: now,
      lockToken: null,
      lockedUntil: null,
      lastError: null,
      receivedAt: now,
      processedAt: null,
    }));
    // Kept (dead, with the reason) so a malformed event is visible rather than silently lost.
    for (const bad of invalid) {
      const raw = (bad.raw ?? {}) as { portalId?: unknown };
      rows.push({
        id: randomUUID(),
        portalId:
          typeof raw.portalId === 'number' || typeof raw.portalId === 'string'
            ? String(raw.portalId).slice(0, 32)
            : 'unknown',
        eventId: `invalid:${randomUUID()}`,
        subscriptionType: 'invalid',
        objectKey: 'invalid',
        occurredAt: now,
        payload: JSON.stringify(bad.raw ?? null).slice(0, 60_000),
        state: InboxState.Dead,
        attempts: 0,
        nextAttemptAt: now,
        lockToken: null,
        lockedUntil: null,
        lastError: bad.error.slice(0, 1000),
        receivedAt: now,
        processedAt: null,
      });
    }
    if (rows.length === 0) return;
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(WebhookInboxEntity)
      .values(rows)
      .orIgnore()
      .execute();
  }

  /** Claims up to `limit` due events whose object has no earlier event still outstanding. */
  async claimDue(limit: number, leaseMs: number): Promise<WebhookInboxRow[]> {
    const repo = this.ds.getRepository(WebhookInboxEntity);
    const now = this.clock.now();
    const due = await repo
      .createQueryBuilder('w')
      .select('w.id', 'id')
      .where('w.state = :pending', { pending: InboxState.Pending })
      .andWhere('w.next_attempt_at <= :now', { now })
      .andWhere('(w.locked_until IS NULL OR w.locked_until < :now)')
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM webhook_inbox e WHERE e.portal_id = w.portal_id AND e.object_key = w.object_key
           AND e.state = :pending AND e.occurred_at < w.occurred_at
           AND (e.next_attempt_at > :now OR (e.locked_until IS NOT NULL AND e.locked_until >= :now)))`,
      )
      .orderBy('w.occurred_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (due.length === 0) return [];
    const ids = due.map((r) => r.id);
    const token = await leaseRows(repo, ids, InboxState.Pending, now, leaseMs);
    return repo.find({
      where: { lockToken: token, state: InboxState.Pending },
      order: { occurredAt: 'ASC' },
    });
  }

  /** Marks done inside the handler's transaction (the effect and the mark commit together). */
  async markDone(manager: EntityManager, row: WebhookInboxRow): Promise<void> {
    await manager.getRepository(WebhookInboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        state: InboxState.Done,
        processedAt: this.clock.now(),
        lockToken: null,
        lockedUntil: null,
        lastError: null,
      },
    );
  }

  /** Marks many claimed events done in one statement (those whose handling had no effect). */
  async markAllDone(rows: WebhookInboxRow[]): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await this.ds
        .getRepository(WebhookInboxEntity)
        .createQueryBuilder()
        .update()
        .set({
          state: InboxState.Done,
          processedAt: now,
          lockToken: null,
          lockedUntil: null,
          lastError: null,
        })
        .where({ id: In(chunk.map((r) => r.id)), state: InboxState.Pending })
        .andWhere('lock_token IN (:...tokens)', {
          tokens: [...new Set(chunk.map((r) => r.lockToken ?? ''))],
        })
        .execute();
    }
  }

  /** Gives a claimed event back untouched (it waits behind an earlier event that failed). */
  async release(row: WebhookInboxRow): Promise<void> {
    await this.ds
      .getRepository(WebhookInboxEntity)
      .update(
        { id: row.id, lockToken: row.lockToken ?? '' },
        { lockToken: null, lockedUntil: null },
      );
  }

  async retryLater(row: WebhookInboxRow, error: string, delayMs: number): Promise<void> {
    await this.ds.getRepository(WebhookInboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        attempts: row.attempts + 1,
        nextAttemptAt: this.clock.now() + delayMs,
        lastError: error.slice(0, 1000),
        lockToken: null,
        lockedUntil: null,
      },
    );
  }

  async markDead(row: WebhookInboxRow, error: string): Promise<void> {
    await this.ds.getRepository(WebhookInboxEntity).update(
      { id: row.id, lockToken: row.lockToken ?? '' },
      {
        state: InboxState.Dead,
        attempts: row.attempts + 1,
        lastError: error.slice(0, 1000),
        lockToken: null,
        lockedUntil: null,
      },
    );
  }

  async pendingCount(): Promise<number> {
    return this.ds
      .getRepository(WebhookInboxEntity)
      .count({ where: { state: InboxState.Pending } });
  }

  async byEvent(portalId: string, eventId: string): Promise<WebhookInboxRow | null> {
    return this.ds.getRepository(WebhookInboxEntity).findOne({ where: { portalId, eventId } });
  }
}
