// Test helper: the one thing card tests replace is hubspot.fetch (the sidecar on the other side
// of HubSpot's proxy). Answers are matched by method and path, and every call is recorded.
import { hubspot } from '@hubspot/ui-extensions';
import { vi } from 'vitest';

export interface FakeAnswer {
  status?: number;
  body: unknown;
}

export interface RecordedFetch {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
}

export function fakeSidecar(
  routes: Record<string, FakeAnswer | ((call: RecordedFetch) => FakeAnswer)>,
) {
  const calls: RecordedFetch[] = [];
  const spy = vi.spyOn(hubspot, 'fetch').mockImplementation((url, options) => {
    const u = new URL(String(url));
    const method = options?.method ?? 'GET';
    const call: RecordedFetch = { method, url: String(url), body: options?.body };
    calls.push(call);
    const route = routes[`${method} ${u.pathname}`];
    if (!route)
      return Promise.resolve(
        json(404, { error: { code: 'NOT_FOUND', message: `no fake for ${method} ${u.pathname}` } }),
      );
    const answer = typeof route === 'function' ? route(call) : route;
    return Promise.resolve(json(answer.status ?? 200, answer.body));
  });
  return {
    calls,
    spy,
    of: (method: string, path: string) =>
      calls.filter((c) => c.method === method && new URL(c.url).pathname === path),
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

type Triggerable = { trigger: (...args: never[]) => void };

/**
 * Fires onChange with a value, as a user changing an input does. The testing kit passes the
 * argument to the handler at run time, but its type asks for the handler's type instead.
 */
export function changeTo(node: Triggerable, value: unknown): void {
  (node.trigger as unknown as (event: string, arg: unknown) => void)('onChange', value);
}
