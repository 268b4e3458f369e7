// The one check of requests HubSpot signs with X-HubSpot-Signature-v3 (card `hubspot.fetch`,
// the ticket card, app uninstall, operator APIs called from the CRM): the signature over
// METHOD + full URL + raw body + timestamp, keyed with the app's client secret, and the
// timestamp within 5 minutes. hubspot.fetch appends the viewing account as `portalId` to the URL
// before signing, so the account we act for comes from the signed URL and nowhere else.
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Clock, Logger } from '../ports.ts';
import { verifyHubSpotSignature } from './hubspot-signature.ts';

export interface HubSpotV3Options {
  /** The app's client secret; unset → 503 (the sidecar cannot check anything). */
  secret: string | undefined;
  /** The base URL HubSpot called (PUBLIC_URL): behind a proxy the Host header is not it. */
  publicUrl: string | (() => string);
  clock: Clock;
  log?: Logger;
  /** The signed URL must name exactly one account (`portalId`); default true. */
  requirePortal?: boolean;
}

export type HubSpotV3Verdict =
  | { ok: true; portalId: string | undefined; userId: string | null }
  | { ok: false; status: 401 | 503; code: string; message: string };

/** Body parser that keeps the bytes the signature covers: `req.body` becomes a Buffer. */
export const rawSignedBody = (limit = '1mb'): RequestHandler =>
  express.raw({ type: () => true, limit });

export function rawBodyOf(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

/** Checks a request whose raw body was read with `rawSignedBody`. */
export function checkHubSpotV3(req: Request, opts: HubSpotV3Options): HubSpotV3Verdict {
  if (!opts.secret)
    return {
      ok: false,
      status: 503,
      code: 'NOT_CONFIGURED',
      message: 'HUBSPOT_CLIENT_SECRET is not set',
    };
  const base = (typeof opts.publicUrl === 'string' ? opts.publicUrl : opts.publicUrl()).replace(
    /\/+$/,
    '',
  );
  // The URL as sent (no normalising): HubSpot signed the bytes it called.
  const url = `${base}${req.originalUrl}`;
  const verdict = verifyHubSpotSignature(
    { method: req.method, url, rawBody: rawBodyOf(req), headers: req.headers },
    opts.secret,
    opts.clock.now(),
    ['v3'],
  );
  if (!verdict.ok) {
    opts.log?.warn({ path: req.path, reason: verdict.reason }, 'signed request refused');
    return {
      ok: false,
      status: 401,
      code: 'INVALID_SIGNATURE',
      message: `request signature refused (${verdict.reason})`,
    };
  }
  const query = new URL(url).searchParams;
  const portalIds = query.getAll('portalId');
  const single = portalIds.length === 1 && /^\d{1,20}$/.test(portalIds[0]!);
  if (!single && (opts.requirePortal ?? true))
    return {
      ok: false,
      status: 401,
      code: 'NO_PORTAL',
      message: 'the signed request names no single account (portalId)',
    };
  return { ok: true, portalId: single ? portalIds[0]! : undefined, userId: query.get('userId') };
}

/**
 * Middlewares: the raw body (1 MB, HubSpot's limit for hubspot.fetch), then the check. On
 * success `res.locals.portalId` is the signed account and `res.locals.hubspotUserId` the user.
 */
export function requireHubSpotV3(opts: HubSpotV3Options): RequestHandler[] {
  const check = (req: Request, res: Response, next: NextFunction): void => {
    const verdict = checkHubSpotV3(req, opts);
    if (!verdict.ok) {
      res.status(verdict.status).json({ error: { code: verdict.code, message: verdict.message } });
      return;
    }
    res.locals.portalId = verdict.portalId;
    res.locals.hubspotUserId = verdict.userId;
    next();
  };
  return [rawSignedBody(), check];
}

/** The account a `requireHubSpotV3` (requirePortal) route acts for. */
export function signedPortal(res: Response): string {
  const portalId = res.locals.portalId as string | undefined;
  if (!portalId) throw new Error('route mounted without requireHubSpotV3');
  return portalId;
}
