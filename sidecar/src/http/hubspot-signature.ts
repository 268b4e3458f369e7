// HubSpot request signatures, verified on every request HubSpot sends us (card `hubspot.fetch`,
// webhooks, workflow actions). The key is always the app's client secret.
//   v3: Base64(HMAC-SHA256(secret, METHOD + URI + rawBody + timestamp)), timestamp in ms, ≤ 5 min old
//   v2: hex SHA-256(secret + METHOD + URI + rawBody)            (workflow-action requests)
//   v1: hex SHA-256(secret + rawBody)                            (legacy webhooks)
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The full URL HubSpot called, scheme and host included (as HubSpot signed it). */
  url: string;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

export type SignatureCheck =
  | { ok: true; version: 'v1' | 'v2' | 'v3' }
  | { ok: false; reason: 'missing' | 'stale-timestamp' | 'mismatch' };

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * HubSpot decodes these percent-escapes in the URI before signing v3 (their documented list);
 * everything else stays as sent.
 */
const V3_DECODE: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
function v3Uri(url: string): string {
  return url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (m) => V3_DECODE[m.toUpperCase()]!,
  );
}

function sameText(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export function signV3(secret: string, method: string, url: string, body: string, ts: number) {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}${v3Uri(url)}${body}${ts}`)
    .digest('base64');
}

export function signV2(secret: string, method: string, url: string, body: string): string {
  return createHash('sha256').update(`${secret}${method.toUpperCase()}${url}${body}`).digest('hex');
}

export function signV1(secret: string, body: string): string {
  return createHash('sha256').update(`${secret}${body}`).digest('hex');
}

/** Checks the newest signature the request carries; v3 also checks the timestamp window. */
export function verifyHubSpotSignature(
  req: SignedRequest,
  secret: string,
  now: number,
  accept: readonly ('v1' | 'v2' | 'v3')[] = ['v3'],
): SignatureCheck {
  const v3 = header(req, 'x-hubspot-signature-v3');
  if (v3 !== undefined && accept.includes('v3')) {
    const ts = Number(header(req, 'x-hubspot-request-timestamp'));
    if (!Number.isFinite(ts)) return { ok: false, reason: 'missing' };
    if (Math.abs(now - ts) > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: 'stale-timestamp' };
    const expected = signV3(secret, req.method, req.url, req.rawBody, ts);
    return sameText(expected, v3) ? { ok: true, version: 'v3' } : { ok: false, reason: 'mismatch' };
  }
  const sig = header(req, 'x-hubspot-signature');
  if (sig === undefined) return { ok: false, reason: 'missing' };
  const version = header(req, 'x-hubspot-signature-version') ?? 'v1';
  if (version === 'v2' && accept.includes('v2')) {
    const expected = signV2(secret, req.method, req.url, req.rawBody);
    return sameText(expected, sig)
      ? { ok: true, version: 'v2' }
      : { ok: false, reason: 'mismatch' };
  }
  if (version === 'v1' && accept.includes('v1')) {
    const expected = signV1(secret, req.rawBody);
    return sameText(expected, sig)
      ? { ok: true, version: 'v1' }
      : { ok: false, reason: 'mismatch' };
  }
  return { ok: false, reason: 'missing' };
}
