// One @hubspot/api-client per portal, pointed at HUBSPOT_API_BASE_URL (the sandbox in tests).
// The client's own retries and limiter are off: the outbox retries, our limiter paces.
import { Client } from '@hubspot/api-client';

export interface PortalCredentials {
  portalId: string;
  accessToken: string;
}

export class HubSpotPortals {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly basePath: string,
    private readonly credentials: () => PortalCredentials[],
  ) {}

  /** The portal used when a call cannot be attributed otherwise (single-account mode). */
  defaultPortalId(): string | undefined {
    return this.credentials()[0]?.portalId;
  }

  client(portalId: string): Client | undefined {
    const cached = this.clients.get(portalId);
    if (cached) return cached;
    const creds = this.credentials().find((c) => c.portalId === portalId);
    if (!creds) return undefined;
    const client = new Client({
      accessToken: creds.accessToken,
      basePath: this.basePath,
      numberOfApiCallRetries: 0,
    });
    this.clients.set(portalId, client);
    return client;
  }
}
