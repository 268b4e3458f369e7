// The public surface: https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages…
// Form-encoded requests, HTTP Basic auth (AccountSid:AuthToken), Twilio's error bodies.
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { Errors, TwilioApiError, twilioErrorBody } from './errors.ts';
import { createOutbound } from './outbound.ts';
import { API_VERSION, messageListPage, messageResource, messageUri } from './resource.ts';
import { newSid } from './state.ts';
import type { TwilioSandboxState } from './state.ts';
import type { SandboxAccount } from './types.ts';

type FormValue = string | string[];

function formParams(req: Request): Record<string, FormValue> {
  const raw: unknown = req.body;
  if (typeof raw !== 'object' || raw === null) return {};
  return raw as Record<string, FormValue>;
}

function firstOf(value: FormValue | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function listOf(value: FormValue | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function queryValue(req: Request, key: string): string | undefined {
  const value: unknown = req.query[key];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function sendError(res: Response, err: TwilioApiError): void {
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
  res.status(err.status).json(err.toBody());
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

function authenticatedAccount(state: TwilioSandboxState, req: Request): SandboxAccount {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) throw Errors.authenticate();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw Errors.authenticate();
  const username = decoded.slice(0, colon);
  const account = state.accounts.get(username);
  if (!account || !sameSecret(decoded.slice(colon + 1), account.authToken)) {
    throw Errors.authenticate();
  }
  if (username !== param(req, 'accountSid')) throw Errors.authenticate();
  return account;
}

/** Auth, then the per-account rate limit; the account is handed to the route handler. */
function guarded(
  state: TwilioSandboxState,
  handler: (account: SandboxAccount, req: Request, res: Response) => void,
) {
  return (req: Request, res: Response): void => {
    const account = authenticatedAccount(state, req);
    if (!state.takeRateToken(account.sid)) throw Errors.tooManyRequests();
    handler(account, req, res);
  };
}

function faultInjection(state: TwilioSandboxState) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (state.faults.latencyMs > 0) await delay(state.faults.latencyMs);
    const faults = state.faults;
    if (faults.outage) {
      req.socket.destroy();
      return;
    }
    if (faults.status5xx !== null) {
      const status = faults.status5xx;
      if (faults.remaining !== null) {
        faults.remaining -= 1;
        if (faults.remaining <= 0) {
          faults.status5xx = null;
          faults.remaining = null;
        }
      }
      sendError(res, Errors.serverError(status));
      return;
    }
    next();
  };
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

function intOr(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}

/** Router to mount at /2010-04-01. */
export function createApiRouter(state: TwilioSandboxState): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Twilio-Request-Id', newSid('RQ'));
    next();
  });
  router.use(faultInjection(state));
  router.use(express.urlencoded({ extended: false, limit: '1mb' }));

  router.post(
    '/Accounts/:accountSid/Messages.json',
    guarded(state, (account, req, res) => {
      const p = formParams(req);
      const message = createOutbound(state, account, {
        to: firstOf(p.To),
        from: firstOf(p.From),
        messagingServiceSid: firstOf(p.MessagingServiceSid),
        body: firstOf(p.Body),
        mediaUrls: listOf(p.MediaUrl),
        statusCallback: firstOf(p.StatusCallback),
      });
      res.status(201).json(messageResource(message));
    }),
  );

  router.get(
    '/Accounts/:accountSid/Messages.json',
    guarded(state, (account, req, res) => {
      const pageSize = Math.min(
        Math.max(intOr(queryValue(req, 'PageSize'), DEFAULT_PAGE_SIZE), 1),
        MAX_PAGE_SIZE,
      );
      const page = messageListPage(account.sid, [...state.messages.values()], {
        to: queryValue(req, 'To'),
        from: queryValue(req, 'From'),
        dateSent: queryValue(req, 'DateSent'),
        dateSentBefore: queryValue(req, 'DateSent<'),
        dateSentAfter: queryValue(req, 'DateSent>'),
        pageSize,
        page: intOr(queryValue(req, 'Page'), 0),
      });
      res.status(200).json(page);
    }),
  );

  router.get(
    '/Accounts/:accountSid/Messages/:sid.json',
    guarded(state, (account, req, res) => {
      const sid = param(req, 'sid');
      const message = state.messages.get(sid);
      if (!message || message.accountSid !== account.sid) {
        throw Errors.notFound(messageUri(account.sid, sid));
      }
      res.status(200).json(messageResource(message));
    }),
  );

  router.use((req: Request) => {
    throw Errors.notFound(`/${API_VERSION}${req.path}`);
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof TwilioApiError) {
      sendError(res, err);
      return;
    }
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    const code = status >= 500 ? 20500 : 20001;
    res
      .status(status)
      .json(twilioErrorBody(code, status >= 500 ? 'Internal Server Error' : 'Bad Request', status));
  });

  return router;
}
