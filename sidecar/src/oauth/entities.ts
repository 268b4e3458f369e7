// Tables of the OAuth install: one row per connected HubSpot account (tokens encrypted), and the
// pending install states (single use, expiring).
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export interface PortalInstallRow {
  portalId: string;
  appId: string | null;
  hubDomain: string | null;
  scopes: string;
  /** AES-256-GCM, see token-cipher.ts. Never the plain token. */
  accessTokenEnc: string;
  refreshTokenEnc: string;
  accessExpiresAt: number;
  installedAt: number;
  updatedAt: number;
}

export const PortalInstallEntity = new EntitySchema<PortalInstallRow>({
  name: 'PortalInstall',
  tableName: 'portal_installs',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    appId: { name: 'app_id', type: 'varchar', length: 32, nullable: true },
    hubDomain: { name: 'hub_domain', type: 'varchar', length: 255, nullable: true },
    scopes: { type: 'text' },
    accessTokenEnc: { name: 'access_token_enc', type: 'text' },
    refreshTokenEnc: { name: 'refresh_token_enc', type: 'text' },
    accessExpiresAt: { name: 'access_expires_at', type: 'bigint', transformer: epochMs },
    installedAt: { name: 'installed_at', type: 'bigint', transformer: epochMs },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});

export interface OAuthStateRow {
  state: string;
  expiresAt: number;
  createdAt: number;
}

export const OAuthStateEntity = new EntitySchema<OAuthStateRow>({
  name: 'OAuthState',
  tableName: 'oauth_states',
  columns: {
    state: { type: 'varchar', length: 64, primary: true },
    expiresAt: { name: 'expires_at', type: 'bigint', transformer: epochMs },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
  },
});
