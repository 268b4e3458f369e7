// A strict local stand-in for Twilio Programmable Messaging (2010-04-01 Messages API), so the
// product's SMS path can be exercised without the internet. See README.md in this folder.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApiRouter } from './api-routes.ts';
import { createControlRouter } from './control-routes.ts';
import type { FaultSettings, SandboxControls } from './control-routes.ts';
import { DeliveryEngine } from './delivery.ts';
import { simulateInbound } from './inbound.ts';
import type { InboundInput } from './inbound.ts';
import { TwilioSandboxState } from './state.ts';
import type { AccountSeed } from './state.ts';
import type { DeliveryOutcome, Faults, RateLimit } from './types.ts';

export { computeTwilioSignature, validateTwilioSignature } from './signature.ts';
export { countSegments, isGsm7 } from './segments.ts';
export { parseTwimlMessages, optOutTypeOf } from './inbound.ts';
export { TwilioSandboxState, DEFAULT_RATE_LIMIT } from './state.ts';
export type { AccountInfo, AccountSeed, SandboxEvents } from './state.ts';
export type { InboundInput, InboundMedia } from './inbound.ts';
export type { FaultSettings, SandboxControls } from './control-routes.ts';
export type { MessageResource } from './resource.ts';
export { MessageStatus, MessageDirection } from './types.ts';
export type * from './types.ts';

export interface TwilioSandboxOptions {
  /** Epoch milliseconds; drives date_* fields and rate-limit windows. */
  clock?: () => number;
  /** Accounts present from the start and restored, identical, by reset(). */
  accounts?: AccountSeed[];
  /** Advance message statuses every N ms. Off by default: tests call advance()/drain(). */
  autoAdvanceMs?: number;
  /** How long a webhook may take before Twilio gives up (Twilio: 15 s). */
  webhookTimeoutMs?: number;
}

export interface ListeningSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function createTwilioSandbox(opts: TwilioSandboxOptions = {}) {
  const state = new TwilioSandboxState(opts.clock ?? Date.now);
  const webhookTimeoutMs = opts.webhookTimeoutMs ?? 15_000;
  const delivery = new DeliveryEngine(state, webhookTimeoutMs);
  // Seeded accounts come back identical (sids, token, numbers) after reset().
  const seeded = (opts.accounts ?? []).map((account) => state.createAccount(account));
  const seed = (): void => {
    for (const account of seeded) state.createAccount(account);
  };

  const controls: SandboxControls = {
    state,
    reset: () => {
      state.reset();
      seed();
    },
    createAccount: (accountSeed?: AccountSeed) => state.createAccount(accountSeed),
    setIncomingWebhook: (accountSid: string, phoneNumber: string, url: string | null) => {
      state.setIncomingWebhook(accountSid, phoneNumber, url);
    },
    simulateInbound: (input: InboundInput) => simulateInbound(state, input, webhookTimeoutMs),
    advance: (sid?: string) => delivery.advance(sid),
    drain: (sid?: string) => delivery.drain(sid),
    setDeliveryOutcome: (to: string, outcome: DeliveryOutcome | null) => {
      if (outcome === null || outcome.status === 'delivered') state.outcomes.delete(to);
      else state.outcomes.set(to, outcome);
    },
    setFaults: (settings: FaultSettings): Faults => {
      const current = state.faults;
      const status5xx = settings.status5xx === undefined ? current.status5xx : settings.status5xx;
      state.faults = {
        latencyMs: settings.latencyMs ?? current.latencyMs,
        status5xx,
        remaining: status5xx === null ? null : (settings.count ?? null),
        outage: settings.outage ?? current.outage,
      };
      return state.faults;
    },
    setRateLimit: (limit: RateLimit): RateLimit => {
      state.rateLimit = { ...limit };
      state.rateWindows.clear();
      return state.rateLimit;
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.use('/2010-04-01', createApiRouter(state));
  app.use('/_sandbox', createControlRouter(controls));
  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  });

  if (opts.autoAdvanceMs !== undefined) delivery.startAuto(opts.autoAdvanceMs);

  const listen = (port = 0, host = '127.0.0.1'): Promise<ListeningSandbox> =>
    new Promise((resolve, reject) => {
      const server = createServer(app);
      server.once('error', reject);
      server.listen(port, host, () => {
        const { port: bound } = server.address() as AddressInfo;
        const hostPart = host.includes(':') ? `[${host}]` : host;
        resolve({
          url: `http://${hostPart}:${bound}`,
          port: bound,
          close: () =>
            new Promise<void>((done, fail) => {
              delivery.stopAuto();
              server.close((err) => (err ? fail(err) : done()));
              server.closeAllConnections();
            }),
        });
      });
    });

  return {
    ...controls,
    app,
    events: state.events,
    listen,
    /** Alias of simulateInbound. */
    deliverInbound: (input: InboundInput) => controls.simulateInbound(input),
    startAutoAdvance: (intervalMs: number) => delivery.startAuto(intervalMs),
    stopAutoAdvance: () => delivery.stopAuto(),
  };
}

export type TwilioSandbox = ReturnType<typeof createTwilioSandbox>;
