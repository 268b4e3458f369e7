// How a failed HubSpot request is treated: retried later (429, 5xx, network, outage) or
// refused for good (any other 4xx: the request itself is wrong and would fail again).
export class CrmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** How long HubSpot asked us to wait (Retry-After, or the 429's rate-limit policy). */
    readonly retryAfterMs?: number,
    /** HubSpot's error category (e.g. CONFLICT, VALIDATION_ERROR), when it sent one. */
    readonly category?: string,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

interface HttpishError {
  code?: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
}

export function classifyCrmError(err: unknown): CrmError {
  if (err instanceof CrmError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.code === 'number' ? e.code : undefined;
  const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
  if (status === undefined) {
    // No HTTP answer at all: connection refused or reset, DNS, timeout.
    return new CrmError(`HubSpot unreachable: ${e.message ?? String(err)}`, true);
  }
  const category = categoryOf(e.body);
  // 429: the shared pacer keeps us under HubSpot's window; a 429 means someone else spends the
  // same budget, so we wait as long as HubSpot says before anyone in any process tries again.
  if (status === 429)
    return new CrmError(
      `HubSpot rate limit: ${body.slice(0, 300)}`,
      true,
      status,
      retryAfterOf(e.headers ?? {}, e.body),
      category,
    );
  if (status >= 500)
    return new CrmError(
      `HubSpot ${status}: ${body.slice(0, 300)}`,
      true,
      status,
      retryAfterHeader(e.headers ?? {}),
      category,
    );
  // An expired OAuth token heals when the token is refreshed: wait, never dead-letter. Any
  // other 401 (a wrong private-app token) will not heal by retrying.
  if (status === 401 && category === 'EXPIRED_AUTHENTICATION')
    return new CrmError(
      `HubSpot token expired: ${body.slice(0, 300)}`,
      true,
      status,
      5000,
      category,
    );
  return new CrmError(
    `HubSpot refused (${status}): ${body.slice(0, 500)}`,
    false,
    status,
    undefined,
    category,
  );
}

function categoryOf(body: unknown): string | undefined {
  const b = typeof body === 'string' ? safeJson(body) : body;
  if (b && typeof b === 'object' && 'category' in b && typeof b.category === 'string')
    return b.category;
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterHeader(headers: Record<string, string>): number | undefined {
  const raw = header(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * HubSpot's 429s carry no Retry-After: the policy says which window was full. A rolling
 * window frees up within its interval (X-HubSpot-RateLimit-Interval-Milliseconds), the
 * secondly search limit within a second; the daily one at midnight (the retry cap bounds it).
 */
export function retryAfterOf(headers: Record<string, string>, body: unknown): number {
  const explicit = retryAfterHeader(headers);
  if (explicit !== undefined) return explicit;
  const b = typeof body === 'string' ? safeJson(body) : body;
  const policy = b && typeof b === 'object' && 'policyName' in b ? String(b.policyName) : undefined;
  if (policy === 'SECONDLY') return 1000;
  if (policy === 'DAILY') {
    const now = new Date();
    return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime();
  }
  const interval = Number(header(headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  return Number.isFinite(interval) && interval > 0 ? interval : 10_000;
}
