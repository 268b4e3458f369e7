// Per-portal rate limits: 110 requests per rolling 10 s, search 5/s, a daily cap. 429s count too.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Faults } from './faults.ts';
import { ctx } from './http.ts';
import type { SandboxState } from './state.ts';
import type { RateState, TokenInfo } from './types.ts';

export interface RateLimitOptions {
  /** Requests per rolling window (HubSpot: 110 per 10 s for marketplace apps). */
  max: number;
  intervalMs: number;
  daily: number;
  /** CRM search requests per second (separate from the window above). */
  searchPerSecond: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  max: 110,
  intervalMs: 10_000,
  daily: 250_000,
  searchPerSecond: 5,
};

type Policy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const MESSAGES: Record<Policy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

const SEARCH_PATH = /^\/crm\/v3\/objects\/[^/]+\/search\/?$/;

function prune(log: number[], olderThan: number): void {
  let drop = 0;
  while (drop < log.length && (log[drop] ?? 0) <= olderThan) drop += 1;
  if (drop > 0) log.splice(0, drop);
}

function tooMany(res: Response, policy: Policy, token: TokenInfo | undefined, portalId: number) {
  res.status(429).json({
    status: 'error',
    message: MESSAGES[policy],
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    groupName: `publicapi:oauth:${token?.appId ?? 0}:${portalId}`,
    category: 'RATE_LIMITS',
  });
}

/** Counts one request against the portal's budgets; returns the policy it broke, if any. */
export function countRequest(
  rate: RateState,
  limits: RateLimitOptions,
  now: number,
  isSearch: boolean,
): { broken?: Policy; windowCount: number } {
  const day = new Date(now).toISOString().slice(0, 10);
  if (rate.day !== day) {
    rate.day = day;
    rate.dayCount = 0;
  }
  rate.dayCount += 1;
  prune(rate.window, now - limits.intervalMs);
  let broken: Policy | undefined;
  if (isSearch) {
    prune(rate.search, now - 1000);
    rate.search.push(now);
    if (rate.search.length > limits.searchPerSecond) broken = 'SECONDLY';
  } else {
    rate.window.push(now);
    if (rate.window.length > limits.max) broken = 'TEN_SECONDLY_ROLLING';
  }
  if (rate.dayCount > limits.daily) broken = 'DAILY';
  return { broken, windowCount: rate.window.length };
}

export function rateLimitMiddleware(
  state: SandboxState,
  limits: RateLimitOptions,
  faults: Faults,
): RequestHandler {
  return (req, res, next) => {
    const { portal, token } = ctx(res);
    if (!portal) {
      next();
      return;
    }
    const isSearch = req.method === 'POST' && SEARCH_PATH.test(req.path);
    const { broken, windowCount } = countRequest(portal.rate, limits, state.now(), isSearch);
    const storm = faults.rateLimitStorm(req.path);
    res.set('X-HubSpot-RateLimit-Max', String(limits.max));
    res.set(
      'X-HubSpot-RateLimit-Remaining',
      String(storm ? 0 : Math.max(0, limits.max - windowCount)),
    );
    res.set('X-HubSpot-RateLimit-Interval-Milliseconds', String(limits.intervalMs));
    if (token?.kind !== 'oauth') {
      // HubSpot documents the daily headers as absent on OAuth-authenticated requests.
      res.set('X-HubSpot-RateLimit-Daily', String(limits.daily));
      const left = Math.max(0, limits.daily - portal.rate.dayCount);
      res.set('X-HubSpot-RateLimit-Daily-Remaining', String(left));
    }
    if (isSearch) {
      res.set('X-HubSpot-RateLimit-Secondly', String(limits.searchPerSecond));
      const left = Math.max(0, limits.searchPerSecond - portal.rate.search.length);
      res.set('X-HubSpot-RateLimit-Secondly-Remaining', String(left));
    }
    const policy = storm ? 'TEN_SECONDLY_ROLLING' : broken;
    if (policy) {
      tooMany(res, policy, token, portal.portalId);
      return;
    }
    next();
  };
}
