// How a failed HubSpot request is treated: retried later (429, 5xx, network, outage) or
// refused for good (any other 4xx: the request itself is wrong and would fail again).
export class CrmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
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
  // 429: our limiter already paces under HubSpot's window; backoff covers a shared budget.
  if (status === 429)
    return new CrmError(`HubSpot rate limit: ${body.slice(0, 300)}`, true, status);
  if (status >= 500) return new CrmError(`HubSpot ${status}: ${body.slice(0, 300)}`, true, status);
  // 401 with an expired OAuth token is retryable once the token is refreshed (OAuth issue);
  // in single-account mode it means a wrong token, which retrying will not fix.
  return new CrmError(`HubSpot refused (${status}): ${body.slice(0, 500)}`, false, status);
}
