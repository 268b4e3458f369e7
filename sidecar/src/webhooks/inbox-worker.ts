// Processes stored webhook events: claims due events (earliest first, never ahead of an
// earlier event of the same object), runs objects in parallel and each object's events one by
// one, retries retryable failures with capped backoff, dead-letters the rest. A restart loses
// nothing: unprocessed events are rows, and an expired lease makes them claimable again.
import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { classifyCrmError } from '../crm/errors.ts';
import { backoffMs } from '../domain/backoff.ts';
import type { Logger } from '../ports.ts';
import { inTransaction } from '../store/transactions.ts';
import type { WebhookInboxRow } from './entities.ts';
import { classify, webhookEventSchema } from './events.ts';
import type { WebhookHandler } from './handlers.ts';
import type { WebhookInbox } from './inbox-store.ts';

export interface InboxWorkerOptions {
  pollMs: number;
  batchSize?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
}

type InboxEvents = {
  processed: [row: WebhookInboxRow];
  deferred: [row: WebhookInboxRow, error: string];
  dead: [row: WebhookInboxRow, error: string];
};

export class WebhookInboxWorker extends EventEmitter<InboxEvents> {
  private stopped = true;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly inbox: WebhookInbox,
    private readonly handler: WebhookHandler,
    private readonly log: Logger,
    private readonly opts: InboxWorkerOptions,
  ) {
    super();
  }

  start(): void {
    this.stopped = false;
    this.loopDone = this.loop();
  }

  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.log.error({ err }, 'webhook inbox pass failed');
      }
      if (handled > 0 || this.stopped) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        const timer = setTimeout(resolve, this.opts.pollMs);
        timer.unref();
      });
      this.wake = undefined;
    }
  }

  /** One pass; returns how many events it handled. */
  async runOnce(): Promise<number> {
    const rows = await this.inbox.claimDue(this.opts.batchSize ?? 200, this.opts.leaseMs ?? 60_000);
    // Events whose handling has no database effect are marked done together, in one UPDATE,
    // after the pass (a crash before it only repeats effect-free handling).
    const effectless: { row: WebhookInboxRow; after: (() => void)[] }[] = [];
    const byObject = new Map<string, WebhookInboxRow[]>();
    for (const row of rows) {
      const key = `${row.portalId}|${row.objectKey}`;
      byObject.set(key, [...(byObject.get(key) ?? []), row]);
    }
    await Promise.all(
      [...byObject.values()].map(async (events) => {
        for (const [i, row] of events.entries()) {
          const ok = await this.handle(row, effectless);
          if (!ok) {
            // Later events of this object wait for the failed one (order per object). Their
            // lease is released so the claim query sees them behind the failed event.
            for (const later of events.slice(i + 1)) await this.inbox.release(later);
            break;
          }
        }
      }),
    );
    if (effectless.length > 0) {
      await this.inbox.markAllDone(effectless.map((e) => e.row));
      for (const { row, after } of effectless) {
        for (const fn of after) fn();
        this.emit('processed', row);
      }
    }
    return rows.length;
  }

  private async handle(
    row: WebhookInboxRow,
    effectless: { row: WebhookInboxRow; after: (() => void)[] }[],
  ): Promise<boolean> {
    const after: (() => void)[] = [];
    let worked = false;
    try {
      const event = webhookEventSchema.parse(JSON.parse(row.payload));
      const { objectType, change } = classify(event);
      await this.handler({
        event,
        objectType,
        change,
        commit: async (work) => {
          if (!work) return;
          await inTransaction(this.ds, async (manager) => {
            await work(manager);
            await this.inbox.markDone(manager, row);
          });
          worked = true;
        },
        afterCommit: (fn) => after.push(fn),
      });
      if (!worked) {
        effectless.push({ row, after });
        return true;
      }
      for (const fn of after) fn();
      this.emit('processed', row);
      return true;
    } catch (err) {
      const e = classifyCrmError(err);
      const message = err instanceof Error ? err.message : String(err);
      if (e.retryable || e.status === 401) {
        const delay = backoffMs(
          row.attempts,
          this.opts.retryBaseMs ?? 1000,
          this.opts.retryCapMs ?? 300_000,
        );
        this.log.warn(
          { eventId: row.eventId, portalId: row.portalId, delay, error: message },
          'webhook event deferred',
        );
        await this.inbox.retryLater(row, message, delay);
        this.emit('deferred', row, message);
      } else {
        this.log.error(
          { eventId: row.eventId, portalId: row.portalId, error: message },
          'webhook event refused for good',
        );
        await this.inbox.markDead(row, message);
        this.emit('dead', row, message);
      }
      return false;
    }
  }
}
