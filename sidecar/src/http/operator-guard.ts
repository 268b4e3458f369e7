// The guard in front of the operator APIs (ACD and agents, campaigns, routing settings). Two
// ways in:
//   - `Authorization: Bearer <ADMIN_API_TOKEN>`: operator access, any account the request names;
//   - a request HubSpot signed (v3, e.g. from the CRM settings page): the signed account only —
//     a request naming another account in its path, query or body is refused (403).
// Anything else gets 401. The signed body is read raw (the signature covers its bytes) and
// handed on parsed, so the routers' own body parsers find it done.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { Clock, Logger } from '../ports.ts';
import { checkHubSpotV3, rawBodyOf, rawSignedBody } from './require-hubspot-v3.ts';

export interface OperatorGuardOptions {
  /** ADMIN_API_TOKEN; unset → only HubSpot-signed requests get in. */
  adminToken: string | undefined;
  /** HUBSPOT_CLIENT_SECRET; unset → only the admin token gets in. */
  clientSecret: string | undefined;
  publicUrl: () => string;
  clock: Clock;
  log: Logger;
  /** Largest signed body read (the campaign import takes spreadsheets). */
  bodyLimit?: string;
}

/** What the guard let in; routers read it with `operatorAccess(res)`. */
export type OperatorAccess = { kind: 'admin' } | { kind: 'hubspot'; portalId: string };

export function operatorAccess(res: Response): OperatorAccess | undefined {
  return res.locals.operatorAccess as OperatorAccess | undefined;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Constant time, length included: both sides are hashed to 32 bytes first. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const NO_CREDENTIALS =
  'send Authorization: Bearer <ADMIN_API_TOKEN>, or a request signed by HubSpot (X-HubSpot-Signature-v3)';

/** The account a request names besides the signed URL: path parameter and JSON body. */
function namedPortals(req: Request): string[] {
  const named: string[] = [];
  const fromPath = req.params.portalId;
  if (typeof fromPath === 'string') named.push(fromPath);
  const body = req.body as { portalId?: unknown } | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && 'portalId' in body)
    named.push(String(body.portalId));
  return named;
}

export function operatorGuard(opts: OperatorGuardOptions): RequestHandler {
  const readRaw = rawSignedBody(opts.bodyLimit ?? '50mb');
  return (req: Request, res: Response, next: NextFunction): void => {
    const auth = req.get('authorization');
    if (auth !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
      if (opts.adminToken && bearer !== undefined && sameSecret(bearer, opts.adminToken)) {
        res.locals.operatorAccess = { kind: 'admin' } satisfies OperatorAccess;
        next();
        return;
      }
      opts.log.warn({ path: req.path }, 'operator API: admin token refused');
      refuse(res, 401, 'UNAUTHORIZED', 'the admin token is not valid');
      return;
    }
    if (req.get('x-hubspot-signature-v3') === undefined) {
      refuse(res, 401, 'UNAUTHORIZED', NO_CREDENTIALS);
      return;
    }
    readRaw(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      const verdict = checkHubSpotV3(req, {
        secret: opts.clientSecret,
        publicUrl: opts.publicUrl,
        clock: opts.clock,
        log: opts.log,
      });
      if (!verdict.ok) {
        refuse(res, verdict.status, verdict.code, verdict.message);
        return;
      }
      const portalId = verdict.portalId!;
      // Hand the body on as the routers' parsers would have: JSON parsed, anything else raw.
      const raw = rawBodyOf(req);
      if (raw.length === 0) req.body = undefined;
      else if (req.is('application/json')) {
        try {
          req.body = JSON.parse(raw) as unknown;
        } catch {
          refuse(res, 400, 'BAD_JSON', 'the body is not JSON');
          return;
        }
      }
      if (namedPortals(req).some((p) => p !== portalId)) {
        opts.log.warn({ path: req.path, portalId }, 'operator API: another account named');
        refuse(res, 403, 'WRONG_PORTAL', 'the request names another account than it is signed for');
        return;
      }
      res.locals.portalId = portalId;
      res.locals.operatorAccess = { kind: 'hubspot', portalId } satisfies OperatorAccess;
      next();
    });
  };
}

/** Paths of the operator APIs: every request under them passes the guard first. */
export const OPERATOR_API_PATHS = [
  '/api/acd',
  '/api/agents',
  '/api/routing',
  // Campaigns: the account is a path parameter, checked against the signed one.
  '/api/portals/:portalId',
] as const;

/** One router that puts the guard in front of every operator API path. */
export function operatorApiGuard(opts: OperatorGuardOptions): Router {
  const guard = operatorGuard(opts);
  const r = express.Router();
  for (const path of OPERATOR_API_PATHS) r.use(path, guard);
  return r;
}
