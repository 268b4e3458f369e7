// Express glue for HubSpot-signed requests: keeps the raw body (signatures cover the exact
// bytes) and rebuilds the URL HubSpot called from PUBLIC_URL (behind a proxy the Host header is
// not what HubSpot signed).
import express, { type Request, type RequestHandler } from 'express';
import { verifyHubSpotSignature, type SignatureCheck } from './hubspot-signature.ts';

/** Body parser that keeps the bytes: `req.body` becomes a Buffer. */
export function rawBody(limit = '1mb'): RequestHandler {
  return express.raw({ type: () => true, limit });
}

export function rawBodyText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

export function verifySignedRequest(
  req: Request,
  p: { secret: string; publicUrl: string; now: number; accept: readonly ('v1' | 'v2' | 'v3')[] },
): SignatureCheck {
  return verifyHubSpotSignature(
    {
      method: req.method,
      url: new URL(req.originalUrl, p.publicUrl).toString(),
      rawBody: rawBodyText(req),
      headers: req.headers,
    },
    p.secret,
    p.now,
    p.accept,
  );
}
