// Sends a card API request the way HubSpot does for hubspot.fetch: account, user and app ids
// appended as query parameters, then signed with X-HubSpot-Signature-v3 over the public URL
// (what HubSpot called) while the request itself goes to the local server.
import { signV3 } from '../../sidecar/src/http/hubspot-signature.ts';

export interface CardRequestOptions {
  portalId?: string | null;
  body?: unknown;
  /** Sign with another secret (an attacker's). */
  secret?: string;
  /** Request timestamp (ms); defaults to now. */
  timestamp?: number;
  /** Body actually sent, after signing `body` (tampering in transit). */
  sentBody?: string;
  /** Extra raw query appended after signing. */
  appendAfterSigning?: string;
  /** Extra raw query signed along (e.g. a second portalId). */
  extraQuery?: string;
  omitSignature?: boolean;
}

export interface CardResponse {
  status: number;
  body: Record<string, unknown>;
}

export function cardClient(localUrl: string, publicUrl: string, secret: string) {
  return async (
    method: string,
    path: string,
    opts: CardRequestOptions = {},
  ): Promise<CardResponse> => {
    const portalId = opts.portalId === undefined ? '4242' : opts.portalId;
    const params = new URLSearchParams();
    if (portalId !== null) params.set('portalId', portalId);
    params.set('userId', '7');
    params.set('userEmail', 'agent@example.com');
    params.set('appId', '99');
    const sep = path.includes('?') ? '&' : '?';
    let pathAndQuery = `${path}${sep}${params.toString()}${opts.extraQuery ?? ''}`;
    const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
    const ts = opts.timestamp ?? Date.now();
    const signature = signV3(
      opts.secret ?? secret,
      method,
      `${publicUrl}${pathAndQuery}`,
      body,
      ts,
    );
    pathAndQuery += opts.appendAfterSigning ?? '';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(ts),
    };
    if (!opts.omitSignature) headers['x-hubspot-signature-v3'] = signature;
    const sent = opts.sentBody ?? body;
    const res = await fetch(`${localUrl}${pathAndQuery}`, {
      method,
      headers,
      ...(sent === '' ? {} : { body: sent }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
}
