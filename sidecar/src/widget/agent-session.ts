// Agent session tokens for the widget. The widget runs in an iframe inside HubSpot and HubSpot
// does not sign its requests, so the sidecar issues each agent a token bound to (portal, agent,
// expiry), HMAC-SHA256-signed with WIDGET_SESSION_SECRET. It reaches the agent as a signed link
// (…/widget/#token=…; the fragment never reaches a server log) and the widget sends it as a
// bearer token. Every /widget/api request is scoped to the token's portal and agent.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AgentSession {
  portalId: string;
  agentId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const VERSION = 'w1';
const ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export class InvalidSessionError extends Error {
  constructor(reason: string) {
    super(`invalid agent session: ${reason}`);
    this.name = 'InvalidSessionError';
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function issueAgentToken(secret: string, session: AgentSession): string {
  if (!ID.test(session.portalId) || !ID.test(session.agentId))
    throw new Error('portal and agent ids: letters, digits, . _ @ - only');
  const body = `${VERSION}.${b64(session.portalId)}.${b64(session.agentId)}.${session.expiresAt}`;
  return `${body}.${sign(secret, body)}`;
}

export function verifyAgentToken(secret: string, token: string, now: number): AgentSession {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new InvalidSessionError('malformed');
  const body = parts.slice(0, 4).join('.');
  // Compare the text, not decoded bytes: base64 decoding ignores a last character's spare bits,
  // so decoding would accept several spellings of one signature.
  const given = Buffer.from(parts[4]!, 'utf8');
  const expected = Buffer.from(sign(secret, body), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new InvalidSessionError('bad signature');
  const expiresAt = Number(parts[3]);
  if (!Number.isSafeInteger(expiresAt)) throw new InvalidSessionError('malformed');
  if (now >= expiresAt) throw new InvalidSessionError('expired');
  const portalId = Buffer.from(parts[1]!, 'base64url').toString('utf8');
  const agentId = Buffer.from(parts[2]!, 'base64url').toString('utf8');
  if (!ID.test(portalId) || !ID.test(agentId)) throw new InvalidSessionError('malformed');
  return { portalId, agentId, expiresAt };
}
