// X-Twilio-Signature, as documented at https://www.twilio.com/docs/usage/security:
// Base64(HMAC-SHA1(authToken, url + each POST parameter name followed by its value, names sorted)).
// Repeated parameters contribute each distinct value, sorted (as the official helper library does).
// Sandbox-only: the product validates with the official `twilio` library's validateRequest.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureParams = Readonly<Record<string, string | readonly string[]>>;

export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: SignatureParams,
): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      data += key + value;
    } else {
      for (const v of [...new Set(value)].sort()) data += key + v;
    }
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** Same acceptance rule as the helper library: the URL is tried with and without its port. */
export function validateTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: SignatureParams,
): boolean {
  const candidates = new Set<string>([url]);
  try {
    const parsed = new URL(url);
    const withoutPort = new URL(url);
    withoutPort.port = '';
    candidates.add(withoutPort.toString());
    if (parsed.port === '') {
      const port = parsed.protocol === 'https:' ? '443' : '80';
      candidates.add(
        `${parsed.protocol}//${parsed.host}:${port}${parsed.pathname}${parsed.search}${parsed.hash}`,
      );
    } else {
      candidates.add(parsed.toString());
    }
  } catch {
    return false;
  }
  const given = Buffer.from(signature);
  for (const candidate of candidates) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
  }
  return false;
}
