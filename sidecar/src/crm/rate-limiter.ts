// Per-portal sliding-window limiter: at most `limit` requests in any `windowMs`. HubSpot's
// own limit is 110 / 10 s per installed account; we stay under it so 429s are the exception.
import type { Clock } from '../ports.ts';

export class SlidingWindowLimiter {
  private readonly stamps = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds to wait before a request for this key may go; 0 = now (and it is counted). */
  reserve(key: string): number {
    const now = this.clock.now();
    const stamps = (this.stamps.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.stamps.set(key, stamps);
    if (stamps.length < this.limit) {
      stamps.push(now);
      return 0;
    }
    return stamps[0]! + this.windowMs - now;
  }

  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = this.reserve(key);
      if (wait === 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
