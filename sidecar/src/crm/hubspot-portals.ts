// One @hubspot/api-client per portal, pointed at HUBSPOT_API_BASE_URL (the sandbox in tests).
// The client's own retries and limiter are off: the outbox retries, our limiter paces.
// Credentials come from single-account mode (HUBSPOT_ACCESS_TOKEN) and/or the OAuth installs;
// OAuth access tokens rotate, so a cached client is handed the current token on every use.
import { Client } from '@hubspot/api-client';

export interface PortalCredentials {
  portalId: string;
  accessToken: string;
}

/** Fresh OAuth tokens (oauth/oauth-tokens.ts); absent in single-account mode. */
export interface FreshTokenSource {
  freshAccessToken(portalId: string): Promise<string | undefined>;
  afterUnauthorized(portalId: string, rejectedToken: string): Promise<string | undefined>;
}

export class HubSpotPortals {
  private readonly clients = new Map<string, { client: Client; token: string }>();

  constructor(
    private readonly basePath: string,
    private readonly credentials: () => PortalCredentials[],
    private readonly fresh?: FreshTokenSource,
  ) {}

  /** The portal used when a call cannot be attributed otherwise (single-account mode). */
  defaultPortalId(): string | undefined {
    return this.credentials()[0]?.portalId;
  }

  /** Every portal with credentials now. */
  portalIds(): string[] {
    return this.credentials().map((c) => c.portalId);
  }

  /** A client with the token held in memory (kept fresh by the background refresh). */
  client(portalId: string): Client | undefined {
    const creds = this.credentials().find((c) => c.portalId === portalId);
    if (!creds) return undefined;
    return this.withToken(portalId, creds.accessToken);
  }

  /** A client whose token is valid for a while yet (refreshes first when it is about to expire). */
  async freshClient(portalId: string): Promise<Client | undefined> {
    const token = this.fresh ? await this.fresh.freshAccessToken(portalId) : undefined;
    return token ? this.withToken(portalId, token) : this.client(portalId);
  }

  /**
   * Runs `work` with a fresh client; when HubSpot answers 401 (token expired or revoked early)
   * the token is refreshed and `work` runs once more.
   */
  async withClient<T>(
    portalId: string,
    work: (client: Client) => Promise<T>,
  ): Promise<T | undefined> {
    const client = await this.freshClient(portalId);
    if (!client) return undefined;
    try {
      return await work(client);
    } catch (err) {
      const status = (err as { code?: unknown }).code;
      const used = this.clients.get(portalId)?.token;
      if (status !== 401 || !this.fresh || used === undefined) throw err;
      const next = await this.fresh.afterUnauthorized(portalId, used);
      if (!next) throw err;
      return work(this.withToken(portalId, next));
    }
  }

  /** Forgets a portal's client (uninstall). */
  drop(portalId: string): void {
    this.clients.delete(portalId);
  }

  private withToken(portalId: string, token: string): Client {
    const cached = this.clients.get(portalId);
    if (cached) {
      if (cached.token !== token) {
        cached.client.setAccessToken(token);
        cached.token = token;
      }
      return cached.client;
    }
    const client = new Client({
      accessToken: token,
      basePath: this.basePath,
      numberOfApiCallRetries: 0,
    });
    this.clients.set(portalId, { client, token });
    return client;
  }
}
