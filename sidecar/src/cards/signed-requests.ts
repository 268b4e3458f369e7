// Every card API request must come from HubSpot: hubspot.fetch requests carry
// X-HubSpot-Signature-v3 over METHOD + full URL + raw body + timestamp, keyed with the app's
// client secret. HubSpot appends the account (portalId), user and app ids as query parameters
// before signing, so the portal we act for is taken from the signed URL and nowhere else.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Clock, Logger } from '../ports.ts';
import { verifyHubSpotSignature } from '../http/hubspot-signature.ts';

export interface SignedCardRequest {
  portalId: string;
  userId: string | null;
  /** The body, parsed only after the signature matched. */
  body: unknown;
}

/** What the verified request is for; handlers read it with `signed(res)`. */
export function signed(res: Response): SignedCardRequest {
  const value = res.locals.signed as SignedCardRequest | undefined;
  if (!value) throw new Error('card route mounted without verifySignedCardRequest');
  return value;
}

function problem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/**
 * Middlewares: the raw body (1 MB, HubSpot's limit), then the check. `publicUrl` is the base
 * HubSpot called (PUBLIC_URL): behind a proxy the Host header is not what HubSpot signed.
 */
export function verifySignedCardRequest(opts: {
  clientSecret: string | undefined;
  publicUrl: string;
  clock: Clock;
  log: Logger;
}) {
  const base = opts.publicUrl.replace(/\/+$/, '');
  const check = (req: Request, res: Response, next: NextFunction): void => {
    if (!opts.clientSecret) {
      problem(res, 503, 'NOT_CONFIGURED', 'HUBSPOT_CLIENT_SECRET is not set');
      return;
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const url = `${base}${req.originalUrl}`;
    const verdict = verifyHubSpotSignature(
      { method: req.method, url, rawBody, headers: req.headers },
      opts.clientSecret,
      opts.clock.now(),
      ['v3'],
    );
    if (!verdict.ok) {
      opts.log.warn({ path: req.path, reason: verdict.reason }, 'card request refused');
      problem(res, 401, 'INVALID_SIGNATURE', `request signature refused (${verdict.reason})`);
      return;
    }
    const query = new URL(url).searchParams;
    const portalIds = query.getAll('portalId');
    if (portalIds.length !== 1 || !/^\d{1,20}$/.test(portalIds[0]!)) {
      problem(res, 401, 'NO_PORTAL', 'the signed request names no single account (portalId)');
      return;
    }
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        problem(res, 400, 'BAD_JSON', 'the body is not JSON');
        return;
      }
    }
    res.locals.signed = {
      portalId: portalIds[0]!,
      userId: query.get('userId'),
      body,
    } satisfies SignedCardRequest;
    next();
  };
  return [express.raw({ type: () => true, limit: '1mb' }), check];
}
