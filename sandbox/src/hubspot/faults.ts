// Fault injection, switchable at run time: latency, 5xx, 429 storms, outages, lost responses.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { sendError, serverError, validation } from './errors.ts';
import { ctx } from './http.ts';

const status5xx = z.number().int().min(500).max(599);

export const faultSchema = z.strictObject({
  /** Added delay before each matching request is handled (real time, not the sandbox clock). */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Probability (0..1) that a matching request fails with a 5xx. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Status for injected failures; alone (no errorRate/failNext) every matching request fails. */
  status5xx: status5xx.optional(),
  /** Every matching authenticated request gets 429 TEN_SECONDLY_ROLLING. */
  rateLimitStorm: z.boolean().optional(),
  /** Until this time (sandbox clock, epoch ms) connections are reset without an answer. */
  outageUntil: z.number().optional(),
  outage: z.boolean().optional(),
  /** The next `count` matching requests fail. */
  failNext: z
    .strictObject({ count: z.number().int().min(0), status: status5xx.optional() })
    .optional(),
  /** Delay before writes become visible to search (overrides the constructor option). */
  searchIndexDelayMs: z.number().int().min(0).optional(),
  /** Injected failures are answered after the request was processed (the write happened). */
  applyBeforeFail: z.boolean().optional(),
  /** Only requests whose path starts with this are affected. */
  pathPrefix: z.string().startsWith('/').optional(),
});

export type FaultConfig = z.infer<typeof faultSchema>;

export function parseFaults(input: unknown): FaultConfig {
  const parsed = faultSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw validation(`Invalid fault configuration: ${issues.join('; ')}`);
  }
  return parsed.data;
}

const NEVER_FAULTED = /^\/(_sandbox(\/|$)|$|portals\/)/;

export class Faults {
  private config: FaultConfig = {};

  constructor(
    private readonly clock: () => number,
    private readonly random: () => number,
  ) {}

  /** Replaces the whole configuration. */
  set(config: FaultConfig): FaultConfig {
    this.config = parseFaults(config);
    return this.current;
  }

  /** Merges into the current configuration. */
  update(partial: FaultConfig): FaultConfig {
    return this.set({ ...this.config, ...partial });
  }

  clear(): void {
    this.config = {};
  }

  get current(): FaultConfig {
    return structuredClone(this.config);
  }

  searchIndexDelayMs(): number | undefined {
    return this.config.searchIndexDelayMs;
  }

  private applies(path: string): boolean {
    if (NEVER_FAULTED.test(path)) return false;
    return !this.config.pathPrefix || path.startsWith(this.config.pathPrefix);
  }

  rateLimitStorm(path: string): boolean {
    return this.config.rateLimitStorm === true && this.applies(path);
  }

  private pickFailure(): number | undefined {
    const c = this.config;
    if (c.failNext && c.failNext.count > 0) {
      c.failNext.count -= 1;
      return c.failNext.status ?? c.status5xx ?? 500;
    }
    const rate = c.errorRate ?? (c.status5xx !== undefined && !c.failNext ? 1 : 0);
    if (rate > 0 && this.random() < rate) {
      return c.status5xx ?? [500, 502, 503][Math.floor(this.random() * 3)] ?? 500;
    }
    return undefined;
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      if (!this.applies(req.path)) {
        next();
        return;
      }
      const c = this.config;
      if (c.outage || (c.outageUntil !== undefined && this.clock() < c.outageUntil)) {
        req.socket.destroy();
        return;
      }
      if (c.latencyMs) await sleep(c.latencyMs);
      const status = this.pickFailure();
      if (status !== undefined) {
        if (!c.applyBeforeFail) {
          sendError(res, serverError(status));
          return;
        }
        ctx(res).failWith = status;
      }
      next();
    };
  }
}
