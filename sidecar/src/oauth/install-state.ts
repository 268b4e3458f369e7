// The OAuth `state`, bound to the browser that started the install: a random value stored
// server-side (single use, expiring) and echoed in a cookie signed with the client secret. The
// callback is accepted only when HubSpot's `state` equals the cookie's, the signature holds and
// the row can still be deleted (so a replayed callback, or one from another browser, fails).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LessThan, MoreThan, type DataSource } from 'typeorm';
import type { Clock } from '../ports.ts';
import { OAuthStateEntity } from './entities.ts';

export const STATE_COOKIE = 'centralino_oauth_state';
export const STATE_TTL_MS = 10 * 60_000;

export type StateCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'no-cookie' | 'mismatch' | 'bad-signature' | 'unknown-or-used' | 'expired';
    };

export class InstallStates {
  constructor(
    private readonly ds: DataSource,
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  /** A new state and the cookie value that binds it to this browser. */
  async issue(): Promise<{ state: string; cookie: string }> {
    const state = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const repo = this.ds.getRepository(OAuthStateEntity);
    // Old, never-completed installs are swept here; the table stays small.
    await repo.delete({ expiresAt: LessThan(now) });
    await repo.insert({ state, createdAt: now, expiresAt: now + STATE_TTL_MS });
    return { state, cookie: `${state}.${this.sign(state)}` };
  }

  /** Checks and consumes a state (single use). */
  async consume(state: string | undefined, cookie: string | undefined): Promise<StateCheck> {
    if (!cookie) return { ok: false, reason: 'no-cookie' };
    const dot = cookie.lastIndexOf('.');
    const cookieState = cookie.slice(0, dot);
    const sig = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(this.sign(cookieState));
    if (dot < 0 || sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    if (state === undefined || state !== cookieState) return { ok: false, reason: 'mismatch' };
    const repo = this.ds.getRepository(OAuthStateEntity);
    const now = this.clock.now();
    // The DELETE is the single-use guard: of two concurrent callbacks only one deletes the row.
    const deleted = await repo.delete({ state, expiresAt: MoreThan(now) });
    if ((deleted.affected ?? 0) === 1) return { ok: true };
    const stale = await repo.delete({ state });
    return { ok: false, reason: (stale.affected ?? 0) > 0 ? 'expired' : 'unknown-or-used' };
  }

  private sign(state: string): string {
    return createHmac('sha256', this.secret).update(`oauth-state:${state}`).digest('base64url');
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
