// Bearer-token authentication (portal tokens and OAuth access tokens) and scope checks.
import type { Request, RequestHandler } from 'express';
import { HubSpotError, invalidAuth } from './errors.ts';
import { ctx, queryString } from './http.ts';
import { findObjectType, OBJECT_TYPES } from './object-types.ts';
import type { SandboxState } from './state.ts';
import type { OAuthApp, TokenInfo } from './types.ts';

function objectScope(rawType: string | undefined, read: boolean): string | undefined {
  const type = rawType === undefined ? undefined : findObjectType(rawType);
  if (!type) return undefined;
  const base = OBJECT_TYPES[type].scope;
  if (base === 'tickets') return base;
  return `${base}.${read ? 'read' : 'write'}`;
}

/** The scope a request needs (granular CRM scopes; one is enough), or undefined for none. */
export function requiredScope(method: string, path: string): string | undefined {
  const read = method === 'GET' || /\/(search|batch\/read)$/.test(path);
  const crm = /^\/crm\/v[34]\/(objects|properties|associations)\/([^/]+)/.exec(path);
  // Changing the schema of contacts, companies and deals (properties, groups) takes HubSpot's
  // schema scope, not the records' write scope.
  const schema = crm?.[1] === 'properties' && !read ? findObjectType(crm[2] ?? '') : undefined;
  if (schema === 'contacts' || schema === 'companies' || schema === 'deals')
    return `crm.schemas.${schema}.write`;
  if (crm) return objectScope(crm[2], read);
  if (path.startsWith('/files/')) return 'files';
  if (path.startsWith('/integrators/timeline/')) return 'timeline';
  if (path.startsWith('/automation/')) return 'automation';
  if (path.startsWith('/crm/v3/lists')) return read ? 'crm.lists.read' : 'crm.lists.write';
  if (path.startsWith('/crm/v3/owners')) return 'crm.objects.owners.read';
  return undefined;
}

function bearer(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

function expired(info: TokenInfo, now: number): HubSpotError {
  const minutes = Math.max(1, Math.round((now - (info.expiresAt ?? now)) / 60_000));
  return new HubSpotError(
    401,
    'EXPIRED_AUTHENTICATION',
    `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
    { context: { expiredAt: [new Date(info.expiresAt ?? now).toISOString()] } },
  );
}

function missingScope(scope: string): HubSpotError {
  return new HubSpotError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [scope] },
        },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    },
  );
}

/** Resolves a bearer token to its portal; 401 for missing/unknown/expired, 403 for scopes. */
export function authenticate(state: SandboxState, req: Request): TokenInfo {
  const token = bearer(req);
  const info = token === undefined ? undefined : state.tokens.get(token);
  if (!info || !state.portal(info.portalId)) throw invalidAuth();
  const now = state.now();
  if (info.expiresAt !== undefined && now >= info.expiresAt) throw expired(info, now);
  const scope = requiredScope(req.method, req.path);
  if (scope && info.scopes && !info.scopes.includes(scope)) throw missingScope(scope);
  return info;
}

export function authMiddleware(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    const info = authenticate(state, req);
    ctx(res).token = info;
    ctx(res).portal = state.portal(info.portalId);
    next();
  };
}

/**
 * Developer-key auth (`?hapikey=`) for app-level endpoints, or an OAuth token issued to the app.
 * Returns the app with the given id.
 */
export function authenticateApp(state: SandboxState, req: Request, appId: number): OAuthApp {
  const app = state.appById(appId);
  const key = queryString(req, 'hapikey');
  if (key !== undefined) {
    if (!app || app.developerApiKey !== key) {
      throw invalidAuth(
        'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/',
      );
    }
    return app;
  }
  const info = authenticate(state, req);
  if (!app || info.appId !== appId) {
    throw new HubSpotError(403, 'MISSING_SCOPES', `This token does not belong to app ${appId}`);
  }
  return app;
}
