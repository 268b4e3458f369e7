// Scripted callers: a Local channel pair where ;2 dials into [from-trunk] with the caller ID a
// trunk would send, and ;1 runs [test-caller] (optional playback, then keypad digits). Used by
// `npm run call` and by the tests, so no phone is needed.
import { randomUUID } from 'node:crypto';

export interface AriEndpoint {
  url: string;
  username: string;
  password: string;
}

export interface ScriptedCall {
  from: string;
  to: string;
  callerName?: string;
  digits?: string;
  /** Sound to play before the digits (e.g. 'silence/1'). */
  play?: string;
  /** Seconds the caller stays on the line after the digits, unless the far end hangs up first. */
  holdSeconds?: number;
  /** Seconds the caller waits after being answered before playing/typing (default 0.2). */
  waitSeconds?: number;
  /** Route to this ARI application instead of the dialplan's default. */
  app?: string;
  /** Extra channel variables (e.g. WAIT_S before the playback, CENTRALINO_PARKER). */
  variables?: Record<string, string>;
  /**
   * Codecs of the Local pair, e.g. 'ulaw' as a carrier trunk sends. Left out, Asterisk gives
   * Local channels its best format (slin192), and everything played to them is resampled to
   * 192 kHz: fine for a test call, far too costly for hundreds of benchmark callers.
   */
  formats?: string;
}

export interface PlacedCall {
  /** The ;1 (caller) channel id. */
  callerChannelId: string;
  /** The ;2 channel id: the one that enters the sidecar's application. */
  inboundChannelId: string;
}

function auth(ari: AriEndpoint): string {
  return `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;
}

export async function placeCall(ari: AriEndpoint, call: ScriptedCall): Promise<PlacedCall> {
  const callerChannelId = randomUUID();
  const inboundChannelId = randomUUID();
  const variables: Record<string, string> = {
    CALLER_NUM: call.from,
    CALLER_NAME: call.callerName ?? '',
    DIGITS: call.digits ?? '',
    PLAY: call.play ?? '',
    HOLD_S: String(call.holdSeconds ?? 30),
    ...(call.waitSeconds !== undefined ? { WAIT_S: String(call.waitSeconds) } : {}),
    CENTRALINO_APP: call.app ?? '',
    ...call.variables,
  };
  const query = new URLSearchParams({
    endpoint: `Local/${call.to}@test-inbound/n`,
    context: 'test-caller',
    extension: 's',
    priority: '1',
    callerId: `"${call.callerName ?? ''}" <${call.from}>`,
    channelId: callerChannelId,
    otherChannelId: inboundChannelId,
    timeout: '60',
    ...(call.formats ? { formats: call.formats } : {}),
  });
  const res = await fetch(`${ari.url}/ari/channels?${query.toString()}`, {
    method: 'POST',
    headers: { authorization: auth(ari), 'content-type': 'application/json' },
    body: JSON.stringify({ variables }),
  });
  if (!res.ok) throw new Error(`originate failed: ${res.status} ${await res.text()}`);
  return { callerChannelId, inboundChannelId };
}
