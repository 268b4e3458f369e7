// The sandbox's store: portals (accounts) with their records, plus the app-level registries.
import { randomBytes, randomUUID } from 'node:crypto';
import { notFound } from './errors.ts';
import { BUILTIN_PROPERTIES } from './properties.ts';
import type {
  AuthCode,
  ObjectTypeName,
  OAuthApp,
  Owner,
  Portal,
  PropertyDef,
  RefreshTokenInfo,
  RequestLogEntry,
  TimelineTemplate,
  TokenInfo,
} from './types.ts';

export interface SandboxConfig {
  clock: () => number;
  random: () => number;
  /** Current delay before a write becomes visible to search. */
  searchIndexDelayMs: () => number;
  /** Accept http:// (not only https://) in URL properties such as hs_call_recording_url. */
  allowHttpUrls: boolean;
}

export interface CreatePortalInput {
  portalId?: number;
  accessToken?: string;
  /** Scopes of the returned token; omitted → every scope. */
  scopes?: string[];
}

export interface PortalCredentials {
  portalId: number;
  accessToken: string;
}

const MAX_LOG = 10_000;

export class SandboxState {
  readonly portals = new Map<number, Portal>();
  readonly tokens = new Map<string, TokenInfo>();
  /** OAuth / developer apps by client id. */
  readonly apps = new Map<string, OAuthApp>();
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshTokenInfo>();
  readonly templates = new Map<string, TimelineTemplate>();
  readonly requests: RequestLogEntry[] = [];
  private seq = 0;
  private portalSeq = 0;

  constructor(readonly config: SandboxConfig) {}

  now(): number {
    return this.config.clock();
  }

  /** A fresh numeric id, unique across types and portals (so a wrong id is always a miss). */
  nextId(): string {
    this.seq += 1;
    return String(51_000_000_000 + this.seq * 7);
  }

  createPortal(input: CreatePortalInput = {}): PortalCredentials {
    this.portalSeq += 1;
    const portalId = input.portalId ?? 40_000_000 + this.portalSeq;
    if (!this.portals.has(portalId)) {
      this.portals.set(portalId, emptyPortal(portalId, this.defaultOwner(portalId)));
    }
    const accessToken = input.accessToken ?? `pat-na1-${randomUUID()}`;
    const info: TokenInfo = {
      token: accessToken,
      portalId,
      kind: 'static',
      user: 'sandbox@example.com',
      userId: 1_000_000 + portalId,
    };
    if (input.scopes) info.scopes = input.scopes;
    this.tokens.set(accessToken, info);
    return { portalId, accessToken };
  }

  private defaultOwner(portalId: number): Owner {
    return {
      id: String(70_000_000 + (portalId % 1_000_000)),
      email: 'owner@example.com',
      firstName: 'Sandbox',
      lastName: 'Owner',
      userId: 1_000_000 + portalId,
    };
  }

  portal(portalId: number): Portal | undefined {
    return this.portals.get(portalId);
  }

  requirePortal(portalId: number): Portal {
    const portal = this.portals.get(portalId);
    if (!portal) throw notFound(`Portal ${portalId} does not exist`);
    return portal;
  }

  reset(): void {
    this.portals.clear();
    this.tokens.clear();
    this.apps.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.templates.clear();
    this.requests.length = 0;
  }

  properties(portal: Portal, type: ObjectTypeName): PropertyDef[] {
    return [...BUILTIN_PROPERTIES[type], ...(portal.customProperties.get(type) ?? [])];
  }

  property(portal: Portal, type: ObjectTypeName, name: string): PropertyDef | undefined {
    return this.properties(portal, type).find((p) => p.name === name);
  }

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_LOG) this.requests.splice(0, this.requests.length - MAX_LOG);
  }

  appByClientId(clientId: string): OAuthApp | undefined {
    return this.apps.get(clientId);
  }

  appById(appId: number): OAuthApp | undefined {
    for (const app of this.apps.values()) if (app.appId === appId) return app;
    return undefined;
  }
}

function emptyPortal(portalId: number, owner: Owner): Portal {
  return {
    portalId,
    records: new Map(),
    customProperties: new Map(),
    propertyGroups: new Map(),
    associations: new Map(),
    files: new Map(),
    folders: new Map(),
    callbacks: new Map(),
    timelineEvents: new Map(),
    owners: [owner],
    rate: { window: [], search: [], day: '', dayCount: 0 },
  };
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}
