// A sidecar wired as a HubSpot marketplace app against the sandboxes: the HubSpot sandbox with a
// registered OAuth app (client id/secret, developer key), optionally the Twilio sandbox, and
// helpers that send requests signed the way HubSpot signs them (computed here independently of
// the sidecar's verifier) and that run the OAuth install like an admin's browser would.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type RunningSandbox,
} from '../../sandbox/src/hubspot/index.ts';
import { createTwilioSandbox, type TwilioSandbox } from '../../sandbox/src/twilio/index.ts';
import { testPortBase } from './env.ts';
import { startTestSidecar, type TestSidecar } from './harness.ts';

export const CLIENT_SECRET = 'test-client-secret-' + randomBytes(4).toString('hex');
export const ENCRYPTION_KEY = randomBytes(32).toString('hex');

let nextPort = testPortBase + 300;

export interface AppEnv {
  sandbox: HubSpotSandbox;
  running: RunningSandbox;
  app: { appId: number; clientId: string; clientSecret: string; developerApiKey: string };
  twilio?: {
    sandbox: TwilioSandbox;
    url: string;
    accountSid: string;
    authToken: string;
    from: string;
    close(): Promise<void>;
  };
  sidecar: TestSidecar;
  publicUrl: string;
  close(): Promise<void>;
}

export async function startAppEnv(opts: {
  tag: string;
  twilio?: boolean;
  env?: Record<string, string>;
  accessTokenTtlSeconds?: number;
}): Promise<AppEnv> {
  const sandbox = createHubSpotSandbox(
    opts.accessTokenTtlSeconds ? { accessTokenTtlSeconds: opts.accessTokenTtlSeconds } : {},
  );
  const running = await sandbox.listen(0);
  const port = nextPort++;
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = sandbox.registerOAuthApp({
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${publicUrl}/oauth/callback`],
  });
  let twilio: AppEnv['twilio'];
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    HUBSPOT_API_BASE_URL: running.url,
    HUBSPOT_APP_ID: String(app.appId),
    HUBSPOT_CLIENT_ID: app.clientId,
    HUBSPOT_CLIENT_SECRET: app.clientSecret,
    HUBSPOT_DEVELOPER_API_KEY: app.developerApiKey,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    WEBHOOK_POLL_MS: '50',
  };
  if (opts.twilio) {
    const tw = createTwilioSandbox();
    const account = tw.createAccount({ phoneNumbers: ['+390577000100'] });
    const listening = await tw.listen(0);
    twilio = {
      sandbox: tw,
      url: listening.url,
      accountSid: account.sid,
      authToken: account.authToken,
      from: '+390577000100',
      close: () => listening.close(),
    };
    Object.assign(env, {
      TWILIO_ACCOUNT_SID: account.sid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_FROM_NUMBER: '+390577000100',
      TWILIO_API_BASE_URL: listening.url,
    });
  }
  const sidecar = await startTestSidecar({ ...env, ...opts.env }, opts.tag);
  return {
    sandbox,
    running,
    app: {
      appId: app.appId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      developerApiKey: app.developerApiKey,
    },
    ...(twilio ? { twilio } : {}),
    sidecar,
    publicUrl,
    async close() {
      await sidecar.shutdown();
      await running.close();
      await twilio?.close();
    },
  };
}

/** HubSpot's v3 signature, written from the documentation (not the sidecar's code). */
export function hubspotV3(
  secret: string,
  method: string,
  url: string,
  body: string,
  timestamp: number,
): string {
  return createHmac('sha256', secret)
    .update(`${method}${url}${body}${timestamp}`, 'utf8')
    .digest('base64');
}

/** HubSpot's v2 signature (workflow-action requests). */
export function hubspotV2(secret: string, method: string, url: string, body: string): string {
  return createHash('sha256').update(`${secret}${method}${url}${body}`, 'utf8').digest('hex');
}

export interface SignedOptions {
  version?: 'v2' | 'v3';
  secret?: string;
  timestamp?: number;
  /** Body actually sent, when it should differ from the signed one (tampering tests). */
  sentBody?: string;
}

export async function signedRequest(
  publicUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  pathAndQuery: string,
  body: unknown,
  o: SignedOptions = {},
): Promise<{ status: number; json: unknown; ms: number }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const url = `${publicUrl}${pathAndQuery}`;
  const secret = o.secret ?? CLIENT_SECRET;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if ((o.version ?? 'v3') === 'v3') {
    const ts = o.timestamp ?? Date.now();
    headers['x-hubspot-signature-v3'] = hubspotV3(secret, method, url, text, ts);
    headers['x-hubspot-request-timestamp'] = String(ts);
  } else {
    headers['x-hubspot-signature'] = hubspotV2(secret, method, url, text);
    headers['x-hubspot-signature-version'] = 'v2';
  }
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: o.sentBody ?? text }),
  });
  const raw = await res.text();
  const ms = performance.now() - started;
  let json: unknown = raw;
  try {
    json = raw ? JSON.parse(raw) : undefined;
  } catch {
    // HTML or text
  }
  return { status: res.status, json, ms };
}

/**
 * The install as an admin's browser does it: /oauth/install (cookie + redirect to HubSpot's
 * consent page), consent in the sandbox for `portalId` with the scopes asked for, then the
 * callback with the cookie. Returns the callback's answer.
 */
export async function installPortal(
  env: AppEnv,
  portalId: number,
): Promise<{
  status: number;
  body: string;
  authorizeUrl: URL;
  cookie: string;
  callbackUrl: string;
}> {
  const start = await fetch(`${env.publicUrl}/oauth/install`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`install answered ${start.status}`);
  const authorizeUrl = new URL(start.headers.get('location') ?? '');
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { redirectUrl } = env.sandbox.authorize({
    portalId,
    clientId: authorizeUrl.searchParams.get('client_id') ?? '',
    redirectUri: authorizeUrl.searchParams.get('redirect_uri') ?? '',
    scopes: (authorizeUrl.searchParams.get('scope') ?? '').split(' '),
    state: authorizeUrl.searchParams.get('state') ?? '',
  });
  const res = await fetch(redirectUrl, { headers: { cookie } });
  return {
    status: res.status,
    body: await res.text(),
    authorizeUrl,
    cookie,
    callbackUrl: redirectUrl,
  };
}
