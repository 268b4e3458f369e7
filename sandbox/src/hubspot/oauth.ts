// OAuth 2: app registration and consent (control API), token endpoint and token info (HubSpot API).
import { randomUUID } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import { notFound, validation } from './errors.ts';
import { ok, param } from './http.ts';
import { randomToken, type SandboxState } from './state.ts';
import type { OAuthApp, RefreshTokenInfo, TokenInfo } from './types.ts';
import { isRecord } from './validate.ts';

export interface RegisterAppInput {
  appId?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[];
  developerApiKey?: string;
}

export interface AuthorizeInput {
  portalId: number;
  clientId: string;
  redirectUri: string;
  scopes?: string[];
  state?: string;
}

const CODE_TTL_MS = 10 * 60_000;
let appSeq = 0;

export function registerApp(state: SandboxState, input: RegisterAppInput = {}): OAuthApp {
  const redirectUris = input.redirectUris ?? [];
  for (const uri of redirectUris) {
    if (!URL.canParse(uri)) throw validation(`Invalid redirect URI: ${uri}`);
  }
  appSeq += 1;
  const app: OAuthApp = {
    appId: input.appId ?? 3_000_000 + appSeq,
    clientId: input.clientId ?? randomUUID(),
    clientSecret: input.clientSecret ?? randomUUID(),
    redirectUris,
    developerApiKey: input.developerApiKey ?? randomUUID(),
  };
  state.apps.set(app.clientId, app);
  return app;
}

/** Simulates the user approving the install: returns a single-use code for the token endpoint. */
export function authorize(
  state: SandboxState,
  input: AuthorizeInput,
): { code: string; redirectUrl: string } {
  const app = state.appByClientId(input.clientId);
  if (!app) throw notFound(`Unknown client_id ${input.clientId}`);
  state.requirePortal(input.portalId);
  if (!app.redirectUris.includes(input.redirectUri)) {
    throw validation(
      `Authorization failed as the redirect URL '${input.redirectUri}' doesn't match the app's registered redirect URL`,
    );
  }
  const code = randomUUID();
  state.codes.set(code, {
    code,
    clientId: app.clientId,
    portalId: input.portalId,
    redirectUri: input.redirectUri,
    scopes: input.scopes ?? ['oauth'],
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
  });
  const url = new URL(input.redirectUri);
  url.searchParams.set('code', code);
  if (input.state !== undefined) url.searchParams.set('state', input.state);
  return { code, redirectUrl: url.toString() };
}

function oauthError(res: Response, status: string, message: string): void {
  res.status(400).json({ status, message, correlationId: randomUUID() });
}

function field(body: unknown, name: string): string | undefined {
  if (!isRecord(body)) return undefined;
  const v = body[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function oauthRouter(state: SandboxState, accessTokenTtlSeconds: number): Router {
  const r = express.Router();
  r.use('/oauth', express.urlencoded({ extended: false }));

  const issue = (app: OAuthApp, refresh: RefreshTokenInfo) => {
    const token: TokenInfo = {
      token: randomToken('C'),
      portalId: refresh.portalId,
      kind: 'oauth',
      scopes: refresh.scopes,
      expiresAt: state.now() + accessTokenTtlSeconds * 1000,
      appId: app.appId,
      clientId: app.clientId,
      user: refresh.user,
      userId: refresh.userId,
    };
    state.tokens.set(token.token, token);
    return {
      token_type: 'bearer',
      refresh_token: refresh.token,
      access_token: token.token,
      expires_in: accessTokenTtlSeconds,
    };
  };

  r.post('/oauth/v1/token', (req, res) => {
    const body: unknown = req.body;
    const grant = field(body, 'grant_type');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      oauthError(res, 'BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
      return;
    }
    const app = state.appByClientId(field(body, 'client_id') ?? '');
    if (!app) return oauthError(res, 'BAD_CLIENT_ID', 'missing or invalid client_id');
    if (field(body, 'client_secret') !== app.clientSecret) {
      return oauthError(res, 'BAD_CLIENT_SECRET', 'missing or invalid client_secret');
    }
    if (grant === 'refresh_token') {
      const refresh = state.refreshTokens.get(field(body, 'refresh_token') ?? '');
      if (!refresh || refresh.clientId !== app.clientId) {
        return oauthError(res, 'BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
      }
      ok(res, 200, issue(app, refresh));
      return;
    }
    const redirectUri = field(body, 'redirect_uri');
    if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
      return oauthError(res, 'BAD_REDIRECT_URI', 'missing or invalid redirect_uri');
    }
    const code = state.codes.get(field(body, 'code') ?? '');
    if (!code || code.used || code.clientId !== app.clientId || state.now() >= code.expiresAt) {
      return oauthError(res, 'BAD_AUTH_CODE', 'missing or unknown auth code');
    }
    if (code.redirectUri !== redirectUri) {
      return oauthError(
        res,
        'BAD_REDIRECT_URI',
        'redirect_uri does not match the one used to get the code',
      );
    }
    code.used = true;
    const refresh: RefreshTokenInfo = {
      token: `na1-${randomUUID()}`,
      clientId: app.clientId,
      portalId: code.portalId,
      scopes: code.scopes,
      user: 'installer@example.com',
      userId: 2_000_000 + code.portalId,
    };
    state.refreshTokens.set(refresh.token, refresh);
    ok(res, 200, issue(app, refresh));
  });

  r.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const info = state.tokens.get(param(req, 'token'));
    const now = state.now();
    if (!info || info.kind !== 'oauth' || (info.expiresAt ?? 0) <= now) {
      throw notFound('Token not found or expired');
    }
    ok(res, 200, {
      token: info.token,
      user: info.user,
      hub_domain: `sandbox-${info.portalId}.example.com`,
      scopes: info.scopes ?? [],
      scope_to_scope_group_pks: [],
      trial_scopes: [],
      trial_scope_to_scope_group_pks: [],
      hub_id: info.portalId,
      app_id: info.appId,
      expires_in: Math.floor(((info.expiresAt ?? now) - now) / 1000),
      user_id: info.userId,
      token_type: 'access',
    });
  });

  r.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
    const info = state.refreshTokens.get(param(req, 'token'));
    if (!info) throw notFound('Refresh token not found');
    ok(res, 200, {
      token: info.token,
      user: info.user,
      hub_domain: `sandbox-${info.portalId}.example.com`,
      scopes: info.scopes,
      hub_id: info.portalId,
      client_id: info.clientId,
      user_id: info.userId,
      token_type: 'refresh',
    });
  });

  r.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
    if (!state.refreshTokens.delete(param(req, 'token'))) throw notFound('Refresh token not found');
    ok(res, 204);
  });

  return r;
}
