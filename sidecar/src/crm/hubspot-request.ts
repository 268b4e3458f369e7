// A raw HubSpot call through the official client (auth, base path), for the endpoints whose
// partial-success answers (207) the generated methods hide. Non-2xx throws the same shape as
// the generated methods' ApiException, so one classifier handles both.
import type { Client } from '@hubspot/api-client';

export class HubSpotHttpError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HubSpot HTTP ${code}`);
    this.name = 'HubSpotHttpError';
  }
}

export async function hubspotRequest<T>(
  client: Client,
  opts: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: string;
    body?: unknown;
    qs?: Record<string, string>;
    headers?: Record<string, string>;
    /** Send `body` as is (a multipart Buffer) instead of as JSON. */
    raw?: boolean;
  },
): Promise<{ status: number; body: T }> {
  const res = await client.apiRequest({
    method: opts.method,
    path: opts.path,
    ...(opts.body === undefined ? {} : { body: opts.body }),
    ...(opts.qs ? { qs: opts.qs } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.raw ? { defaultJson: false } : {}),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (res.status >= 300) {
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => (headers[key] = value));
    throw new HubSpotHttpError(res.status, body, headers);
  }
  return { status: res.status, body: body as T };
}
