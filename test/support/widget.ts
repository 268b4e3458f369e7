// Talking to the widget API as the widget does: bearer token, JSON, and the SSE stream.
import { issueAgentToken } from '../../sidecar/src/widget/agent-session.ts';

export const WIDGET_SECRET = 'test-widget-secret-0123456789abcdef0123456789';

export function agentToken(portalId: string, agentId: string, ttlMs = 3_600_000): string {
  return issueAgentToken(WIDGET_SECRET, { portalId, agentId, expiresAt: Date.now() + ttlMs });
}

export async function widgetApi(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/widget/api${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

export interface EventStream {
  /** Resolves with the first event (already received or coming) that matches. */
  next<T = Record<string, unknown>>(
    match: (e: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  close(): void;
}

/** Opens /widget/api/events; resolves once the stream is open (first event received). */
export async function openEvents(baseUrl: string, token: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/widget/api/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`events: HTTP ${res.status}`);
  const seen: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (!chunk.startsWith('data: ')) continue;
          seen.push(JSON.parse(chunk.slice(6)) as Record<string, unknown>);
          opened();
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  await open;
  return {
    next<T>(match: (e: Record<string, unknown>) => boolean, what: string, timeoutMs = 15_000) {
      return new Promise<T>((resolve, reject) => {
        let from = 0;
        const check = () => {
          for (; from < seen.length; from++) {
            if (match(seen[from]!)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(seen[from]! as T);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no widget event: ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

/** Matches a call event for `callId` in `state`. */
export const callIn =
  (callId: string, state: string) =>
  (e: Record<string, unknown>): boolean => {
    const call = e.call as { callId?: string; state?: string } | undefined;
    return e.type === 'call' && call?.callId === callId && call.state === state;
  };
