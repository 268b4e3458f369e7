// HubSpot's budget is per account (110 requests / 10 s), not per process: every sidecar process
// writing for a portal draws from one row of `hubspot_rate_slots`. A request claims the next
// slot with a conditional UPDATE (compare-and-set on next_at); whoever loses the race reads the
// row again. Slots are spaced evenly (one per interval), so no burst can empty the window, and
// a 429 pushes the row's next slot out for every process at once (`holdFor`).
import { setTimeout as sleep } from 'node:timers/promises';
import { EntitySchema, LessThan, type DataSource } from 'typeorm';
import type { Clock } from '../ports.ts';
import { epochMs } from '../store/columns.ts';

export interface RateSlotRow {
  bucket: string;
  nextAt: number;
}

export const RateSlotEntity = new EntitySchema<RateSlotRow>({
  name: 'RateSlot',
  tableName: 'hubspot_rate_slots',
  columns: {
    bucket: { type: 'varchar', length: 80, primary: true },
    nextAt: { name: 'next_at', type: 'bigint', transformer: epochMs },
  },
});

/** What the CRM senders and the contact directory need from a limiter. */
export interface RequestPacer {
  /** Resolves when one request for `key` may go (and counts it). */
  acquire(key: string): Promise<unknown>;
  /** HubSpot said 429: no request for `key` for `ms`, in any process. */
  holdFor?(key: string, ms: number): Promise<void>;
}

export class SharedPacer implements RequestPacer {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    /** Spacing between two requests of one bucket, e.g. 10 000 ms / 100 for writes. */
    private readonly intervalMs: number,
    /** Prefix of the bucket name, so writes and searches of a portal are paced apart. */
    private readonly prefix: string,
  ) {}

  /** Waits for the next slot of `key`; resolves with the slot's time (epoch ms). */
  async acquire(key: string): Promise<number> {
    for (;;) {
      const slot = await this.claim(`${this.prefix}:${key}`);
      if (slot === undefined) continue;
      const wait = slot - this.clock.now();
      if (wait > 0) await sleep(wait);
      return slot;
    }
  }

  async holdFor(key: string, ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    await this.ds
      .getRepository(RateSlotEntity)
      .update({ bucket: `${this.prefix}:${key}`, nextAt: LessThan(until) }, { nextAt: until });
  }

  /** Claims the next slot of a bucket; undefined when another process claimed it first. */
  private async claim(bucket: string): Promise<number | undefined> {
    const repo = this.ds.getRepository(RateSlotEntity);
    const now = this.clock.now();
    const row = await repo.findOne({ where: { bucket } });
    if (!row) {
      try {
        await repo.insert({ bucket, nextAt: now + this.intervalMs });
        return now;
      } catch {
        return undefined; // another process created the row: claim from it
      }
    }
    const slot = Math.max(now, row.nextAt);
    const result = await repo.update(
      { bucket, nextAt: row.nextAt },
      { nextAt: slot + this.intervalMs },
    );
    return result.affected === 1 ? slot : undefined;
  }
}
