// HubSpot's OAuth endpoints: code → tokens, refresh, token info (which portal a token is for).
// Errors carry HubSpot's status and error code, never the secret or the tokens.
export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface AccessTokenInfo {
  portalId: string;
  appId: string | null;
  hubDomain: string | null;
  scopes: string[];
}

export interface OAuthAppCredentials {
  clientId: string;
  clientSecret: string;
}

export class OAuthError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** HubSpot's error code (BAD_AUTH_CODE, BAD_REFRESH_TOKEN, …). */
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'OAuthError';
  }

  /** The refresh token itself was refused: the app was uninstalled or the grant revoked. */
  get revoked(): boolean {
    return this.code === 'BAD_REFRESH_TOKEN';
  }
}

export class HubSpotOAuthClient {
  constructor(
    private readonly apiBaseUrl: string,
    private readonly app: OAuthAppCredentials,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  exchangeCode(code: string, redirectUri: string): Promise<TokenGrant> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<TokenGrant> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async tokenInfo(accessToken: string): Promise<AccessTokenInfo> {
    const res = await this.send(`/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`, {
      method: 'GET',
    });
    const body = (await res.json()) as {
      hub_id?: unknown;
      app_id?: unknown;
      hub_domain?: unknown;
      scopes?: unknown;
    };
    if (typeof body.hub_id !== 'number' && typeof body.hub_id !== 'string') {
      throw new OAuthError('token info without hub_id', res.status, undefined);
    }
    return {
      portalId: String(body.hub_id),
      appId:
        typeof body.app_id === 'number' || typeof body.app_id === 'string'
          ? String(body.app_id)
          : null,
      hubDomain: typeof body.hub_domain === 'string' ? body.hub_domain : null,
      scopes: Array.isArray(body.scopes)
        ? body.scopes.filter((s): s is string => typeof s === 'string')
        : [],
    };
  }

  private async token(fields: Record<string, string>): Promise<TokenGrant> {
    const form = new URLSearchParams({
      ...fields,
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
    });
    const res = await this.send('/oauth/v1/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = (await res.json()) as {
      access_token?: unknown;
      refresh_token?: unknown;
      expires_in?: unknown;
    };
    if (
      typeof body.access_token !== 'string' ||
      typeof body.refresh_token !== 'string' ||
      typeof body.expires_in !== 'number'
    ) {
      throw new OAuthError('token endpoint answered without tokens', res.status, undefined);
    }
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: body.expires_in,
    };
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.apiBaseUrl), {
        ...init,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new OAuthError(
        `HubSpot OAuth unreachable: ${err instanceof Error ? err.message : String(err)}`,
        undefined,
        undefined,
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    let code: string | undefined;
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { status?: unknown; message?: unknown };
      if (typeof parsed.status === 'string') code = parsed.status;
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // not JSON: keep the text
    }
    throw new OAuthError(
      `HubSpot OAuth refused (${res.status}${code ? ` ${code}` : ''}): ${message}`,
      res.status,
      code,
    );
  }
}
