// The widget's side of the sidecar's /widget/api: the agent's session token (from the sign-in
// link's #token= fragment or the sign-in field, kept in localStorage), JSON requests with it as
// a bearer token, and the event stream read with fetch so the token never sits in a URL.
export type AgentState = 'logged-off' | 'available' | 'ringing' | 'busy' | 'wrap-up' | 'paused';

export interface AgentStatus {
  agentId: string;
  state: AgentState;
  pauseReason?: string;
}

export interface CallView {
  callId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  state: 'agent-ringing' | 'customer-ringing' | 'ringing' | 'connected' | 'ended';
  fromNumber: string;
  toNumber: string;
  engagementOwner: 'hubspot' | 'sidecar';
  contact: { id: string; firstname?: string | null; lastname?: string | null } | null;
  endStatus: 'COMPLETED' | 'FAILED' | 'CANCELED' | 'BUSY' | 'NO_ANSWER' | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

/** The queue caller the agent talks with (the sidecar's widget/transfer-port.ts QueueCallView). */
export interface QueueCallView {
  callerNumber: string | null;
  callerName: string | null;
  contactId: string | null;
  queueId: string;
  queueName: string;
  consultation: { toAgentId: string; toName: string; state: 'ringing' | 'talking' } | null;
}

/** A colleague consulting this agent about their queue caller. */
export interface ConsultedView {
  fromAgentId: string;
  fromName: string;
  callerNumber: string | null;
  callerName: string | null;
  contactId: string | null;
  queueName: string;
  state: 'ringing' | 'talking';
}

export interface TransferTargets {
  agents: { agentId: string; name: string }[];
  queues: { queueId: string; name: string }[];
}

export type ServerEvent =
  | { type: 'presence'; status: AgentStatus }
  | { type: 'call'; call: CallView }
  | { type: 'queue-call'; queueCall: QueueCallView | null; consultedBy: ConsultedView | null };

const TOKEN_KEY = 'centralino.widget.token';
let token: string | null = null;

/** Takes the token from the URL fragment (then drops it from the URL) or from storage. */
export function loadToken(): string | null {
  const m = /[#&]token=([^&]+)/.exec(location.hash);
  if (m) {
    setToken(decodeURIComponent(m[1]!));
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  try {
    token = localStorage.getItem(TOKEN_KEY);
  } catch {
    token = null;
  }
  return token;
}

export function hasToken(): boolean {
  return token !== null && token !== '';
}

export function setToken(value: string | null): void {
  token = value;
  try {
    if (value === null) localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Storage blocked in this iframe: the token lives for this page only.
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/widget/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return json;
}

/** Reads the event stream for as long as the session is valid, reconnecting after a drop. */
export async function streamEvents(
  onEvent: (event: ServerEvent) => void,
  onUnauthorized: () => void,
): Promise<void> {
  for (;;) {
    try {
      const res = await fetch('/widget/api/events', {
        headers: { authorization: `Bearer ${token ?? ''}` },
      });
      if (res.status === 401) return onUnauthorized();
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, cut)
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          buffer = buffer.slice(cut + 2);
          if (data) onEvent(JSON.parse(data) as ServerEvent);
        }
      }
    } catch {
      // Network hiccup or sidecar restart: reconnect below.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
