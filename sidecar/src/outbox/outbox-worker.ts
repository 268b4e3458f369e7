// Delivers outbox rows: claims due rows, hands each kind's batch to its sender, and records
// the outcome. Retryable failures (429, 5xx, outage) wait with capped backoff and are never
// dropped; permanent refusals go to the dead-letter state with HubSpot's message.
import { EventEmitter } from 'node:events';
import { backoffMs } from '../domain/backoff.ts';
import type { Logger } from '../ports.ts';
import type { OutboxRow } from '../store/entities.ts';
import type { OutboxOutcome, OutboxStore } from './outbox-store.ts';

export type DeliveryResult =
  | { outcome: 'sent'; remoteId: string | null }
  | {
      outcome: 'retry';
      error: string;
      remoteId?: string | null;
      /** HubSpot said how long to wait (429 / Retry-After): used instead of the backoff. */
      retryAfterMs?: number;
    }
  | { outcome: 'dead'; error: string; remoteId?: string | null };

export interface OutboxSender {
  readonly kind: string;
  /** Delivers rows of one portal (at most `batchSize`); returns one result per row id. */
  deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>>;
}

export interface OutboxWorkerOptions {
  pollMs: number;
  batchSize?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * Delivery loops running side by side (default 2). The pacer spaces the requests anyway;
   * a second loop sends while the first records its outcomes and claims the next rows, so no
   * paced slot is lost to database work.
   */
  lanes?: number;
}

type OutboxEvents = {
  delivered: [row: OutboxRow, remoteId: string | null];
  deferred: [row: OutboxRow, error: string];
  dead: [row: OutboxRow, error: string];
};

export class OutboxWorker extends EventEmitter<OutboxEvents> {
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = true;
  private readonly wakers = new Set<() => void>();
  private readonly senders = new Map<string, OutboxSender>();

  constructor(
    private readonly store: OutboxStore,
    senders: OutboxSender[],
    private readonly log: Logger,
    private readonly opts: OutboxWorkerOptions,
  ) {
    super();
    for (const s of senders) {
      // One sender per kind: a second one would silently replace the first.
      if (this.senders.has(s.kind)) throw new Error(`two outbox senders for kind '${s.kind}'`);
      this.senders.set(s.kind, s);
    }
  }

  start(): void {
    this.stopped = false;
    const lanes = Array.from({ length: Math.max(1, this.opts.lanes ?? 2) }, () => this.loop());
    this.loopDone = Promise.all(lanes).then(() => undefined);
  }

  /** A row was just committed: deliver now rather than at the next poll. */
  nudge(): void {
    for (const wake of this.wakers) wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loopDone;
  }

  /**
   * Delivers everything due now, repeatedly, until nothing is due or `deadline` passes; returns
   * the rows left pending (-1 when a database error cut the flush short).
   */
  async flush(deadline: number): Promise<number> {
    try {
      while (Date.now() < deadline) {
        if ((await this.runOnce()) === 0) break;
      }
      return await this.store.pendingCount();
    } catch (err) {
      // Shutdown must go on: what was not delivered stays in the outbox for the next start.
      this.log.warn(
        { err },
        'outbox flush stopped early; undelivered rows wait for the next start',
      );
      return -1;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delivered = 0;
      try {
        delivered = await this.runOnce();
      } catch (err) {
        this.log.error({ err }, 'outbox pass failed');
      }
      if (delivered > 0 || this.stopped) continue;
      let wake: (() => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        this.wakers.add(resolve);
        timer = setTimeout(resolve, this.opts.pollMs);
      });
      clearTimeout(timer);
      if (wake) this.wakers.delete(wake);
    }
  }

  /** One pass: returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const batchSize = this.opts.batchSize ?? 100;
    const rows = await this.store.claimDue(batchSize * 4, this.opts.leaseMs ?? 60_000);
    const groups = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = `${row.kind}|${row.portalId}`;
      const group = groups.get(key) ?? [];
      group.push(row);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += batchSize) {
        await this.deliverBatch(group.slice(i, i + batchSize));
      }
    }
    return rows.length;
  }

  private async deliverBatch(rows: OutboxRow[]): Promise<void> {
    const first = rows[0]!;
    const sender = this.senders.get(first.kind);
    let results: Map<string, DeliveryResult>;
    if (!sender) {
      results = new Map(
        rows.map((r) => [r.id, { outcome: 'dead', error: `no sender for kind '${r.kind}'` }]),
      );
    } else {
      try {
        results = await sender.deliver(first.portalId, rows);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        results = new Map(rows.map((r) => [r.id, { outcome: 'retry', error }]));
      }
    }
    const outcomes: OutboxOutcome[] = rows.map((row) => {
      const result = results.get(row.id) ?? { outcome: 'retry', error: 'no result from sender' };
      if (result.outcome !== 'retry') return { row, ...result };
      const cap = this.opts.retryCapMs ?? 300_000;
      const delayMs =
        result.retryAfterMs !== undefined
          ? Math.min(cap, result.retryAfterMs)
          : backoffMs(row.attempts, this.opts.retryBaseMs ?? 1000, cap);
      return { row, ...result, delayMs };
    });
    await this.store.record(outcomes);
    for (const o of outcomes) {
      const row = o.row;
      switch (o.outcome) {
        case 'sent':
          this.emit('delivered', row, o.remoteId);
          break;
        case 'retry':
          this.log.warn(
            {
              outboxId: row.id,
              kind: row.kind,
              attempts: row.attempts + 1,
              delay: o.delayMs,
              error: o.error,
            },
            'outbox delivery deferred',
          );
          this.emit('deferred', row, o.error);
          break;
        case 'dead':
          this.log.error(
            { outboxId: row.id, kind: row.kind, error: o.error },
            'outbox row refused for good',
          );
          this.emit('dead', row, o.error);
          break;
      }
    }
  }
}
