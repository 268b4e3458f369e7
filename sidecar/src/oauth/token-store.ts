// Per-portal OAuth tokens in the database, encrypted at rest (token-cipher.ts). Every query is
// by portal id; nothing here ever logs or returns a token except to the in-process caller.
import type { DataSource } from 'typeorm';
import type { Clock } from '../ports.ts';
import { PortalInstallEntity, type PortalInstallRow } from './entities.ts';
import type { TokenCipher } from './token-cipher.ts';

export interface PortalTokens {
  portalId: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
}

export interface InstallFacts {
  appId: string | null;
  hubDomain: string | null;
  scopes: string[];
}

export class PortalTokenStore {
  constructor(
    private readonly ds: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  async save(tokens: PortalTokens, facts?: InstallFacts): Promise<void> {
    const repo = this.ds.getRepository(PortalInstallEntity);
    const now = this.clock.now();
    const encrypted = {
      accessTokenEnc: this.cipher.encrypt(tokens.accessToken, tokens.portalId),
      refreshTokenEnc: this.cipher.encrypt(tokens.refreshToken, tokens.portalId),
      accessExpiresAt: tokens.accessExpiresAt,
      updatedAt: now,
    };
    const existing = await repo.findOne({
      where: { portalId: tokens.portalId },
      select: { portalId: true },
    });
    if (existing) {
      await repo.update(
        { portalId: tokens.portalId },
        facts
          ? {
              ...encrypted,
              appId: facts.appId,
              hubDomain: facts.hubDomain,
              scopes: facts.scopes.join(' '),
            }
          : encrypted,
      );
      return;
    }
    await repo.insert({
      portalId: tokens.portalId,
      appId: facts?.appId ?? null,
      hubDomain: facts?.hubDomain ?? null,
      scopes: facts?.scopes.join(' ') ?? '',
      installedAt: now,
      ...encrypted,
    });
  }

  /** The portal's tokens; undefined when not installed or when the row does not decrypt. */
  async load(portalId: string): Promise<PortalTokens | undefined> {
    const row = await this.ds.getRepository(PortalInstallEntity).findOne({ where: { portalId } });
    if (!row) return undefined;
    try {
      return this.decrypt(row);
    } catch {
      return undefined;
    }
  }

  /**
   * Every install that decrypts. A row that does not (TOKEN_ENCRYPTION_KEY changed, row
   * tampered with) is reported and skipped: one bad row must not stop every other account.
   */
  async loadAll(
    onUnreadable: (portalId: string) => void = () => undefined,
  ): Promise<PortalTokens[]> {
    const rows = await this.ds.getRepository(PortalInstallEntity).find();
    return rows.flatMap((r) => {
      try {
        return [this.decrypt(r)];
      } catch {
        onUnreadable(r.portalId);
        return [];
      }
    });
  }

  /** Returns whether the portal was installed. */
  async remove(portalId: string): Promise<boolean> {
    const result = await this.ds.getRepository(PortalInstallEntity).delete({ portalId });
    return (result.affected ?? 0) > 0;
  }

  private decrypt(row: PortalInstallRow): PortalTokens {
    return {
      portalId: row.portalId,
      accessToken: this.cipher.decrypt(row.accessTokenEnc, row.portalId),
      refreshToken: this.cipher.decrypt(row.refreshTokenEnc, row.portalId),
      accessExpiresAt: row.accessExpiresAt,
    };
  }
}
