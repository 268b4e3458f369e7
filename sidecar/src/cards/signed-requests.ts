// Every card API request must come from HubSpot: hubspot.fetch requests are signed (v3) and
// name the account in the signed URL (http/require-hubspot-v3.ts). Here the verified request is
// turned into what the card handlers read: the account, the user and the JSON body.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock, Logger } from '../ports.ts';
import { rawBodyOf, requireHubSpotV3, signedPortal } from '../http/require-hubspot-v3.ts';

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

/** Middlewares: the signature check, then the JSON body (parsed only once it is trusted). */
export function verifySignedCardRequest(opts: {
  clientSecret: string | undefined;
  publicUrl: string;
  clock: Clock;
  log: Logger;
}): RequestHandler[] {
  const parseBody = (req: Request, res: Response, next: NextFunction): void => {
    const rawBody = rawBodyOf(req);
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        res.status(400).json({ error: { code: 'BAD_JSON', message: 'the body is not JSON' } });
        return;
      }
    }
    res.locals.signed = {
      portalId: signedPortal(res),
      userId: (res.locals.hubspotUserId as string | null | undefined) ?? null,
      body,
    } satisfies SignedCardRequest;
    next();
  };
  return [
    ...requireHubSpotV3({
      secret: opts.clientSecret,
      publicUrl: opts.publicUrl,
      clock: opts.clock,
      log: opts.log,
    }),
    parseBody,
  ];
}
