// Outgoing webhook requests the way Twilio makes them: POST, form-encoded, X-Twilio-Signature
// computed over the exact URL and the POST parameters with the account's auth token.
import { randomUUID } from 'node:crypto';
import { computeTwilioSignature } from './signature.ts';
import type { WebhookResult } from './types.ts';

export interface SignedPost {
  url: string;
  params: Record<string, string>;
  signature: string;
}

export function signPost(
  authToken: string,
  url: string,
  params: Record<string, string>,
): SignedPost {
  return { url, params, signature: computeTwilioSignature(authToken, url, params) };
}

/** Never throws: transport failures come back as { status: null, error }. */
export async function sendSignedPost(post: SignedPost, timeoutMs: number): Promise<WebhookResult> {
  try {
    const response = await fetch(post.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: '*/*',
        'user-agent': 'TwilioProxy/1.1',
        'x-twilio-signature': post.signature,
        'i-twilio-idempotency-token': randomUUID(),
      },
      body: new URLSearchParams(post.params).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { status: response.status, body, error: null };
  } catch (err: unknown) {
    const cause =
      err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { status: null, body: null, error: `${String(err)}${cause}` };
  }
}
