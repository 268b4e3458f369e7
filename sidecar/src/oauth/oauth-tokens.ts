// The current access token of every installed portal, kept fresh: refreshed a margin before it
// expires (a background pass), on demand when a caller needs a token that is about to expire,
// and at once after HubSpot answered 401. One refresh per portal at a time (single flight).
// Several sidecar processes may refresh the same portal: HubSpot refresh tokens are reusable, so
// each process simply gets its own valid access token and stores the newest.
import type { Clock, Logger } from '../ports.ts';
import { OAuthError, type HubSpotOAuthClient } from './oauth-client.ts';
import type { PortalTokens, PortalTokenStore } from './token-store.ts';

export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface OAuthTokensEvents {
  /** The refresh token was refused (uninstalled in HubSpot): the portal's tokens were removed. */
  onRevoked?(portalId: string): void;
}

export class OAuthTokens {
  private readonly current = new Map<string, PortalTokens>();
  private readonly refreshing = new Map<string, Promise<PortalTokens | undefined>>();

  constructor(
    private readonly store: PortalTokenStore,
    private readonly oauth: HubSpotOAuthClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: OAuthTokensEvents = {},
  ) {}

  /** Reads every installed portal (start, and periodically for installs made by other processes). */
  async reload(): Promise<void> {
    const all = await this.store.loadAll((portalId) =>
      this.log.error(
        { portalId },
        'stored HubSpot tokens do not decrypt (TOKEN_ENCRYPTION_KEY changed?): reinstall the app for this account',
      ),
    );
    const seen = new Set<string>();
    for (const t of all) {
      seen.add(t.portalId);
      const mine = this.current.get(t.portalId);
      if (!mine || t.accessExpiresAt >= mine.accessExpiresAt) this.current.set(t.portalId, t);
    }
    for (const id of [...this.current.keys()]) if (!seen.has(id)) this.current.delete(id);
  }

  portalIds(): string[] {
    return [...this.current.keys()];
  }

  /** The token in memory, possibly about to expire (sync callers; the background pass keeps it fresh). */
  accessToken(portalId: string): string | undefined {
    return this.current.get(portalId)?.accessToken;
  }

  /** A token valid for at least the refresh margin; loads installs made by another process. */
  async freshAccessToken(portalId: string): Promise<string | undefined> {
    let tokens = this.current.get(portalId);
    if (!tokens) {
      tokens = await this.store.load(portalId);
      if (!tokens) return undefined;
      this.current.set(portalId, tokens);
    }
    if (tokens.accessExpiresAt - this.clock.now() > REFRESH_MARGIN_MS) return tokens.accessToken;
    return (await this.refresh(portalId))?.accessToken;
  }

  /** HubSpot said 401 for this portal's token: refresh now (once, even if many requests failed). */
  async afterUnauthorized(portalId: string, rejectedToken: string): Promise<string | undefined> {
    const tokens = this.current.get(portalId);
    if (tokens && tokens.accessToken !== rejectedToken) return tokens.accessToken;
    return (await this.refresh(portalId))?.accessToken;
  }

  /** Background pass: refreshes every token inside the margin. Returns how many were refreshed. */
  async refreshDue(): Promise<number> {
    await this.reload();
    const due = [...this.current.values()].filter(
      (t) => t.accessExpiresAt - this.clock.now() <= REFRESH_MARGIN_MS,
    );
    let n = 0;
    for (const t of due) {
      try {
        if (await this.refresh(t.portalId)) n += 1;
      } catch (err) {
        this.log.warn({ portalId: t.portalId, err }, 'token refresh failed; will retry');
      }
    }
    return n;
  }

  /** Stores a fresh install (the OAuth callback). */
  installed(tokens: PortalTokens): void {
    this.current.set(tokens.portalId, tokens);
  }

  /** Forgets a portal (uninstall). */
  async uninstall(portalId: string): Promise<boolean> {
    this.current.delete(portalId);
    return this.store.remove(portalId);
  }

  private refresh(portalId: string): Promise<PortalTokens | undefined> {
    let pending = this.refreshing.get(portalId);
    if (!pending) {
      pending = this.doRefresh(portalId).finally(() => this.refreshing.delete(portalId));
      this.refreshing.set(portalId, pending);
    }
    return pending;
  }

  private async doRefresh(portalId: string): Promise<PortalTokens | undefined> {
    const stored = (await this.store.load(portalId)) ?? this.current.get(portalId);
    if (!stored) return undefined;
    try {
      const grant = await this.oauth.refresh(stored.refreshToken);
      const fresh: PortalTokens = {
        portalId,
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
        accessExpiresAt: this.clock.now() + grant.expiresInSeconds * 1000,
      };
      await this.store.save(fresh);
      this.current.set(portalId, fresh);
      this.log.info({ portalId }, 'HubSpot access token refreshed');
      return fresh;
    } catch (err) {
      if (err instanceof OAuthError && err.revoked) {
        this.log.warn({ portalId }, 'refresh token refused: portal uninstalled, tokens removed');
        await this.uninstall(portalId);
        this.events.onRevoked?.(portalId);
        return undefined;
      }
      throw err;
    }
  }
}
