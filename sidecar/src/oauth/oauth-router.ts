// /oauth/install → HubSpot's consent page (scopes from manifest.json, state bound to the browser);
// /oauth/callback → code exchanged, portal read from the token info, tokens stored encrypted;
// POST /oauth/uninstall (signed by HubSpot, v3) → the portal's tokens are removed.
import express, { type Router } from 'express';
import { authorizeUrl, redirectUri, type AppManifest } from '../app-manifest.ts';
import { rawBodyOf, requireHubSpotV3 } from '../http/require-hubspot-v3.ts';
import type { Clock, Logger } from '../ports.ts';
import type { InstallStates } from './install-state.ts';
import { readCookie, STATE_COOKIE, STATE_TTL_MS } from './install-state.ts';
import { OAuthError, type HubSpotOAuthClient } from './oauth-client.ts';
import type { OAuthTokens } from './oauth-tokens.ts';
import type { PortalTokenStore } from './token-store.ts';

export interface OAuthRouterDeps {
  manifest: AppManifest;
  publicUrl: () => string;
  clientId: string;
  clientSecret: string;
  /** When set, tokens issued for another app are refused. */
  appId: string | undefined;
  states: InstallStates;
  oauth: HubSpotOAuthClient;
  store: PortalTokenStore;
  tokens: OAuthTokens;
  clock: Clock;
  log: Logger;
  /**
   * Called once the tokens are stored, to set the account up (CRM properties). A failure is
   * shown on the install page and logged; the tokens stay, so installing again retries.
   */
  onInstalled?(portalId: string): Promise<unknown>;
  /** Called after a portal is removed (uninstall), e.g. to drop cached clients. */
  onUninstalled?(portalId: string): void;
}

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><h1>${esc(title)}</h1><p>${esc(text)}</p>`;
}

export function oauthRouter(d: OAuthRouterDeps): Router {
  const r = express.Router();
  const cookieAttrs = () =>
    `Path=${d.manifest.oauth.redirectPath}; HttpOnly; SameSite=Lax${d.publicUrl().startsWith('https://') ? '; Secure' : ''}`;
  const redirect = () => redirectUri(d.manifest, d.publicUrl());

  r.get(d.manifest.oauth.installPath, async (_req, res) => {
    const { state, cookie } = await d.states.issue();
    res.setHeader(
      'Set-Cookie',
      `${STATE_COOKIE}=${encodeURIComponent(cookie)}; Max-Age=${STATE_TTL_MS / 1000}; ${cookieAttrs()}`,
    );
    res.redirect(
      302,
      authorizeUrl(d.manifest, { clientId: d.clientId, redirectUri: redirect(), state }),
    );
  });

  r.get(d.manifest.oauth.redirectPath, async (req, res) => {
    res.setHeader('Set-Cookie', `${STATE_COOKIE}=; Max-Age=0; ${cookieAttrs()}`);
    const q = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
    if (q('error')) {
      res
        .status(400)
        .type('html')
        .send(
          page('Install cancelled', `HubSpot said: ${q('error_description') ?? q('error') ?? ''}`),
        );
      return;
    }
    const check = await d.states.consume(q('state'), readCookie(req.get('cookie'), STATE_COOKIE));
    if (!check.ok) {
      d.log.warn({ reason: check.reason }, 'OAuth callback refused: bad state');
      res
        .status(400)
        .type('html')
        .send(
          page(
            'Install refused',
            `The install link is invalid or was already used (${check.reason}). Start again from the install page.`,
          ),
        );
      return;
    }
    const code = q('code');
    if (!code) {
      res
        .status(400)
        .type('html')
        .send(page('Install refused', 'HubSpot sent no authorization code.'));
      return;
    }
    try {
      const grant = await d.oauth.exchangeCode(code, redirect());
      const info = await d.oauth.tokenInfo(grant.accessToken);
      if (d.appId !== undefined && info.appId !== null && info.appId !== d.appId) {
        throw new OAuthError(
          `token belongs to app ${info.appId}, not ${d.appId}`,
          400,
          'WRONG_APP',
        );
      }
      const tokens = {
        portalId: info.portalId,
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
        accessExpiresAt: d.clock.now() + grant.expiresInSeconds * 1000,
      };
      await d.store.save(tokens, {
        appId: info.appId,
        hubDomain: info.hubDomain,
        scopes: info.scopes,
      });
      d.tokens.installed(tokens);
      d.log.info(
        { portalId: info.portalId, scopes: info.scopes.length },
        'HubSpot account connected',
      );
      try {
        await d.onInstalled?.(info.portalId);
      } catch (setupErr) {
        const why = setupErr instanceof Error ? setupErr.message : String(setupErr);
        d.log.error({ portalId: info.portalId, err: why }, 'HubSpot account setup failed');
        res
          .status(502)
          .type('html')
          .send(
            page(
              'Centralino connected, setup incomplete',
              `HubSpot account ${info.portalId} is connected, but ${why}. Install again to retry.`,
            ),
          );
        return;
      }
      res
        .status(200)
        .type('html')
        .send(page('Centralino connected', `HubSpot account ${info.portalId} is connected.`));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      d.log.warn({ err: message }, 'OAuth code exchange failed');
      res
        .status(
          err instanceof OAuthError && err.status !== undefined && err.status < 500 ? 400 : 502,
        )
        .type('html')
        .send(page('Install failed', message));
    }
  });

  // HubSpot (or an admin tool holding the client secret) tells us a portal uninstalled the app.
  // The account to remove is in the body (an admin tool's request names no portalId in its URL).
  const signedOnly = requireHubSpotV3({
    secret: d.clientSecret,
    publicUrl: d.publicUrl,
    clock: d.clock,
    log: d.log,
    requirePortal: false,
  });
  r.post('/oauth/uninstall', ...signedOnly, async (req, res) => {
    let portalId: unknown;
    try {
      portalId = (JSON.parse(rawBodyOf(req)) as { portalId?: unknown }).portalId;
    } catch {
      portalId = undefined;
    }
    if (typeof portalId !== 'number' && typeof portalId !== 'string') {
      res
        .status(400)
        .json({ error: { code: 'BAD_REQUEST', message: 'body must be {"portalId": <id>}' } });
      return;
    }
    // A request HubSpot signed for one account (portalId in the URL) removes that one only.
    const signedFor = res.locals.portalId as string | undefined;
    if (signedFor !== undefined && signedFor !== String(portalId)) {
      res.status(403).json({
        error: { code: 'WRONG_PORTAL', message: 'the body names another account than the URL' },
      });
      return;
    }
    const removed = await uninstallPortal(d, String(portalId));
    res.status(200).json({ portalId: String(portalId), removed });
  });

  return r;
}

export async function uninstallPortal(
  d: Pick<OAuthRouterDeps, 'tokens' | 'log' | 'onUninstalled'>,
  portalId: string,
): Promise<boolean> {
  const removed = await d.tokens.uninstall(portalId);
  d.onUninstalled?.(portalId);
  d.log.info({ portalId, removed }, 'HubSpot account disconnected');
  return removed;
}
