// Test-only control surface under /_sandbox (JSON in, JSON out). Not part of Twilio's API.
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { SandboxError } from './errors.ts';
import type { InboundInput } from './inbound.ts';
import { messageResource } from './resource.ts';
import type { AccountInfo, AccountSeed, TwilioSandboxState } from './state.ts';
import type { DeliveryOutcome, Faults, InboundRecord, RateLimit, Transition } from './types.ts';

export interface FaultSettings {
  latencyMs?: number;
  /** 500–599: answer every API request (or the next `count`) with this status. */
  status5xx?: number | null;
  count?: number | null;
  outage?: boolean;
}

export interface SandboxControls {
  state: TwilioSandboxState;
  reset: () => void;
  createAccount: (seed?: AccountSeed) => AccountInfo;
  setIncomingWebhook: (accountSid: string, phoneNumber: string, url: string | null) => void;
  simulateInbound: (input: InboundInput) => Promise<InboundRecord>;
  advance: (sid?: string) => Promise<Transition[]>;
  drain: (sid?: string) => Promise<Transition[]>;
  setDeliveryOutcome: (to: string, outcome: DeliveryOutcome | null) => void;
  setFaults: (settings: FaultSettings) => Faults;
  setRateLimit: (limit: RateLimit) => RateLimit;
}

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'E.164 number expected');
const httpUrl = z.url({ protocol: /^https?$/ });

const schemas = {
  account: z
    .object({
      sid: z.string().optional(),
      authToken: z.string().min(1).optional(),
      friendlyName: z.string().optional(),
      phoneNumbers: z.array(e164).optional(),
    })
    .strict(),
  number: z
    .object({ phoneNumber: e164.optional(), smsUrl: httpUrl.nullable().optional() })
    .strict(),
  webhook: z
    .object({ accountSid: z.string(), phoneNumber: e164, url: httpUrl.nullable() })
    .strict(),
  inbound: z
    .object({
      from: e164,
      to: e164,
      body: z.string().optional(),
      media: z
        .array(z.object({ url: httpUrl, contentType: z.string().min(1) }).strict())
        .optional(),
    })
    .strict(),
  step: z.object({ sid: z.string().optional() }).strict(),
  outcome: z.union([
    z.object({ to: e164, status: z.literal('delivered') }).strict(),
    z
      .object({
        to: e164,
        status: z.enum(['undelivered', 'failed']),
        errorCode: z.number().int().positive().optional(),
      })
      .strict(),
  ]),
  faults: z
    .object({
      latencyMs: z.number().int().min(0).max(60_000).optional(),
      status5xx: z.number().int().min(500).max(599).nullable().optional(),
      count: z.number().int().positive().nullable().optional(),
      outage: z.boolean().optional(),
    })
    .strict(),
  rateLimit: z
    .object({ limit: z.number().int().min(0), windowMs: z.number().int().positive() })
    .strict(),
};

const DEFAULT_ERROR_CODE = { undelivered: 30003, failed: 30008 } as const;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Router to mount at /_sandbox. */
export function createControlRouter(c: SandboxControls): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  const body = (req: Request): unknown => req.body ?? {};

  router.post('/reset', (_req, res) => {
    c.reset();
    res.status(204).end();
  });

  router.get('/accounts', (_req, res) => {
    res.json([...c.state.accounts.values()].map((a) => c.state.accountInfo(a)));
  });
  router.post('/accounts', (req, res) => {
    res.status(201).json(c.createAccount(schemas.account.parse(body(req))));
  });
  router.get('/accounts/:sid/incoming-numbers', (req, res) => {
    res.json([...c.state.requireAccount(req.params.sid).numbers.values()]);
  });
  router.post('/accounts/:sid/incoming-numbers', (req, res) => {
    const input = schemas.number.parse(body(req));
    res.status(201).json(c.state.addNumber(req.params.sid, input.phoneNumber, input.smsUrl));
  });
  router.post('/incoming-webhook', (req, res) => {
    const input = schemas.webhook.parse(body(req));
    c.setIncomingWebhook(input.accountSid, input.phoneNumber, input.url);
    res.json(c.state.requireAccount(input.accountSid).numbers.get(input.phoneNumber));
  });

  router.get('/messages', (req, res) => {
    const { accountSid, to, from, direction } = {
      accountSid: str(req.query.accountSid),
      to: str(req.query.to),
      from: str(req.query.from),
      direction: str(req.query.direction),
    };
    const list = [...c.state.messages.values()].filter(
      (m) =>
        (accountSid === undefined || m.accountSid === accountSid) &&
        (to === undefined || m.to === to) &&
        (from === undefined || m.sender === from) &&
        (direction === undefined || m.direction === direction),
    );
    res.json(list.map(messageResource));
  });
  router.get('/callbacks', (req, res) => {
    const sid = str(req.query.messageSid);
    res.json(c.state.callbacks.filter((r) => sid === undefined || r.messageSid === sid));
  });
  router.get('/inbound', (_req, res) => {
    res.json(c.state.inbound);
  });
  router.post('/inbound', async (req, res) => {
    res.status(201).json(await c.simulateInbound(schemas.inbound.parse(body(req))));
  });
  router.post('/advance', async (req, res) => {
    res.json({ transitions: await c.advance(schemas.step.parse(body(req)).sid) });
  });
  router.post('/drain', async (req, res) => {
    res.json({ transitions: await c.drain(schemas.step.parse(body(req)).sid) });
  });
  router.post('/delivery-outcome', (req, res) => {
    const input = schemas.outcome.parse(body(req));
    const outcome: DeliveryOutcome =
      input.status === 'delivered'
        ? { status: 'delivered' }
        : { status: input.status, errorCode: input.errorCode ?? DEFAULT_ERROR_CODE[input.status] };
    c.setDeliveryOutcome(input.to, outcome);
    res.json({ to: input.to, ...outcome });
  });
  router.get('/blocklist', (_req, res) => {
    res.json(
      [...c.state.blocklist].map((key) => {
        const [twilioNumber, recipient] = key.split('|');
        return { twilioNumber, recipient };
      }),
    );
  });

  router.get('/faults', (_req, res) => {
    res.json(c.state.faults);
  });
  router.post('/faults', (req, res) => {
    res.json(c.setFaults(schemas.faults.parse(body(req))));
  });
  router.delete('/faults', (_req, res) => {
    res.json(c.setFaults({ latencyMs: 0, status5xx: null, count: null, outage: false }));
  });
  router.get('/rate-limit', (_req, res) => {
    res.json(c.state.rateLimit);
  });
  router.post('/rate-limit', (req, res) => {
    res.json(c.setRateLimit(schemas.rateLimit.parse(body(req))));
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof z.ZodError) {
      res.status(400).json({ error: 'invalid_request', issues: err.issues });
    } else if (err instanceof SandboxError) {
      res.status(err.status).json({ error: err.message });
    } else {
      res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });
  return router;
}
