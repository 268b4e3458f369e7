// Helpers for campaign tests: a movable clock, a sidecar with a campaign observer, and a
// baseline definition (Europe/Rome windows, Asterisk's stock prompts).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../sidecar/src/config.ts';
import type { DialObserver } from '../../sidecar/src/campaigns/dialer.ts';
import type { CampaignDefinitionInput } from '../../sidecar/src/campaigns/definition.ts';
import { startSidecar, type Sidecar } from '../../sidecar/src/main.ts';
import { adminAuth, ari, TEST_ADMIN_TOKEN } from './env.ts';

export class TestClock {
  constructor(public ms: number) {}
  now = () => this.ms;
  set(iso: string) {
    this.ms = Date.parse(iso);
  }
}

export interface DialLog {
  dials: { targetId: string; phone: string; at: number; campaignId: string }[];
  hangups: { targetId: string; outcome: string }[];
  /** Resolves once `n` hang-ups in all have been seen. */
  hangupCount(n: number, timeoutMs?: number): Promise<void>;
  maxConcurrent: number;
  /** Resolves once `n` more dialer passes have finished. */
  passes(n: number): Promise<void>;
  observer: DialObserver;
}

export function dialLog(): DialLog {
  let active = 0;
  const waiters: { n: number; resolve(): void }[] = [];
  let passCount = 0;
  const passWaiters: { at: number; resolve(): void }[] = [];
  const log: DialLog = {
    dials: [],
    hangups: [],
    maxConcurrent: 0,
    hangupCount(n, timeoutMs = 60_000) {
      if (log.hangups.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        // A lost call must fail the test, not hang it.
        const timer = setTimeout(
          () => reject(new Error(`saw ${log.hangups.length} of ${n} hang-ups`)),
          timeoutMs,
        );
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    passes(n) {
      return new Promise((resolve) => passWaiters.push({ at: passCount + n, resolve }));
    },
    observer: {
      onPass: () => {
        passCount++;
        for (const w of [...passWaiters])
          if (passCount >= w.at) {
            passWaiters.splice(passWaiters.indexOf(w), 1);
            w.resolve();
          }
      },
      onDial: (e) => {
        log.dials.push(e);
        active++;
        log.maxConcurrent = Math.max(log.maxConcurrent, active);
      },
      onHangup: (e) => {
        active--;
        log.hangups.push(e);
        for (const w of [...waiters])
          if (log.hangups.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
      },
    },
  };
  return log;
}

export async function startCampaignSidecar(opts: {
  clock: { now(): number };
  databaseUrl: string;
  observer?: DialObserver;
  env?: Record<string, string>;
  tag?: string;
}): Promise<Sidecar> {
  const app = `t_${opts.tag ?? 'camp'}_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ARI_URL: ari.url,
    ARI_USERNAME: ari.username,
    ARI_PASSWORD: ari.password,
    ARI_APP: app,
    ARI_RECONNECT_MAX_MS: '500',
    DATABASE_URL: opts.databaseUrl,
    OUTBOX_POLL_MS: '60000',
    CAMPAIGN_POLL_MS: '100',
    SHUTDOWN_DRAIN_MS: '5000',
    ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    ...opts.env,
  });
  const sidecar = await startSidecar(config, {
    clock: { now: () => opts.clock.now() },
    ...(opts.observer ? { campaignObserver: opts.observer } : {}),
  });
  await sidecar.telephony.whenConnected();
  return sidecar;
}

const allDay = [{ from: '09:00', to: '21:00' }];
export function baseDefinition(
  over: Partial<CampaignDefinitionInput> = {},
): CampaignDefinitionInput {
  return {
    name: 'Gala invitation',
    event: { name: 'Gala 2026', rsvpProperty: 'rsvp_gala_2026' },
    message: [{ type: 'media', media: 'sound:beep' }],
    question: { prompt: 'sound:beep', timeoutMs: 3000, maxRepeats: 1 },
    callerId: '+390577000000',
    maxLines: 4,
    ringSeconds: 5,
    windows: {
      mon: allDay,
      tue: allDay,
      wed: allDay,
      thu: allDay,
      fri: allDay,
      sat: allDay,
      sun: [],
    },
    ...over,
  };
}

export async function api<T>(
  sidecar: Sidecar,
  method: string,
  path: string,
  body?: unknown,
  raw?: Buffer,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sidecar.url}${path}`, {
    method,
    headers: {
      ...adminAuth,
      ...(raw
        ? { 'content-type': 'application/octet-stream' }
        : body
          ? { 'content-type': 'application/json' }
          : {}),
    },
    ...(raw ? { body: raw } : body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* CSV export */
  }
  return { status: res.status, body: parsed as T };
}
