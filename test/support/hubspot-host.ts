// Drives the HubSpot sandbox's calling page (sandbox/src/hubspot/calling-host.ts: HubSpot's side
// of the Calling Extensions SDK, with the widget in an iframe) from a browser test, and records
// every message the widget sends to HubSpot.
import type { Page } from 'playwright-core';

export interface HostMessage {
  type: string;
  data?: Record<string, unknown>;
  messageId?: string;
}

export interface HubSpotHost {
  received: HostMessage[];
  /**
   * First message of `type` that matches, among those received from index `since` on (default:
   * all, including earlier ones; pass `received.length` to wait for a new one).
   */
  next(
    type: string,
    match?: (m: HostMessage) => boolean,
    opts?: { since?: number; timeoutMs?: number },
  ): Promise<HostMessage>;
  /** HubSpot → widget message (e.g. DIAL_NUMBER). */
  send(type: string, data: Record<string, unknown>): Promise<void>;
}

export async function openHubSpotCallingPage(
  page: Page,
  opts: { sandboxUrl: string; portalId: number; widgetUrl: string },
): Promise<HubSpotHost> {
  const received: HostMessage[] = [];
  const waiters = new Set<() => void>();
  await page.exposeFunction('hsRecord', (msg: HostMessage) => {
    received.push(msg);
    for (const w of waiters) w();
  });
  const url = new URL('/calling', opts.sandboxUrl);
  url.searchParams.set('portalId', String(opts.portalId));
  url.searchParams.set('widget', opts.widgetUrl);
  await page.goto(url.toString());
  return {
    received,
    next(type, match = () => true, { since = 0, timeoutMs = 15_000 } = {}) {
      return new Promise((resolve, reject) => {
        let from = since;
        const check = () => {
          for (; from < received.length; from++) {
            const m = received[from]!;
            if (m.type === type && match(m)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(m);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `HubSpot never received ${type}; got ${received.map((m) => m.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async send(type, data) {
      await page.evaluate(
        ([t, d]) => (globalThis as unknown as { hsSend(t: string, d: unknown): void }).hsSend(t, d),
        [type, data] as const,
      );
    },
  };
}
