// Delivers outbox rows: claims due rows, hands each kind's batch to its sender, and records
// the outcome. Retryable failures (429, 5xx, outage) wait with capped backoff and are never
// dropped; permanent refusals go to the dead-letter state with HubSpot's message.
import { EventEmitter } from 'node:events';
import { backoffMs } from '../domain/backoff.ts';
import type { Logger } from '../ports.ts';
import type { OutboxRow } from '../store/entities.ts';
import type { OutboxStore } from './outbox-store.ts';

export type DeliveryResult =
  | { outcome: 'sent'; remoteId: string | null }
  | { outcome: 'retry'; error: string; remoteId?: string | null }
  | { outcome: 'dead'; error: string };

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
}

type OutboxEvents = {
  delivered: [row: OutboxRow, remoteId: string | null];
  deferred: [row: OutboxRow, error: string];
  dead: [row: OutboxRow, error: string];
};

export class OutboxWorker extends EventEmitter<OutboxEvents> {
  private timer: NodeJS.Timeout | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = true;
  private wake: (() => void) | undefined;
  private readonly senders = new Map<string, OutboxSender>();

  constructor(
    private readonly store: OutboxStore,
    senders: OutboxSender[],
    private readonly log: Logger,
    private readonly opts: OutboxWorkerOptions,
  ) {
    super();
    for (const s of senders) this.senders.set(s.kind, s);
  }

  start(): void {
    this.stopped = false;
    this.loopDone = this.loop();
  }

  /** A row was just committed: deliver now rather than at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loopDone;
  }

  /** Delivers everything due now, repeatedly, until nothing is due or `deadline` passes. */
  async flush(deadline: number): Promise<number> {
    while (Date.now() < deadline) {
      if ((await this.runOnce()) === 0) break;
    }
    return this.store.pendingCount();
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
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.opts.pollMs);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
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
    for (const row of rows) {
      const result = results.get(row.id) ?? { outcome: 'retry', error: 'no result from sender' };
      switch (result.outcome) {
        case 'sent':
          await this.store.markSent(row, result.remoteId);
          this.emit('delivered', row, result.remoteId);
          break;
        case 'retry': {
          const delay = backoffMs(
            row.attempts,
            this.opts.retryBaseMs ?? 1000,
            this.opts.retryCapMs ?? 300_000,
          );
          this.log.warn(
            {
              outboxId: row.id,
              kind: row.kind,
              attempts: row.attempts + 1,
              delay,
              error: result.error,
            },
            'outbox delivery deferred',
          );
          await this.store.retryLater(row, result.error, delay, result.remoteId);
          this.emit('deferred', row, result.error);
          break;
        }
        case 'dead':
          this.log.error(
            { outboxId: row.id, kind: row.kind, error: result.error },
            'outbox row refused for good',
          );
          await this.store.markDead(row, result.error);
          this.emit('dead', row, result.error);
          break;
      }
    }
  }
}
