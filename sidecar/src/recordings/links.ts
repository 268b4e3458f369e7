// Signed, expiring links to recordings: /recordings/<id>?exp=<epoch s>&sig=<HMAC-SHA256>.
// Only a holder of the link can play it; the key comes from configuration.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkCheck = 'ok' | 'missing' | 'bad-signature' | 'expired';

export class RecordingLinks {
  constructor(
    /** Where the sidecar is reachable (PUBLIC_URL, else the address it listens on). */
    private readonly baseUrl: () => string,
    private readonly key: Buffer,
    private readonly ttlSec: number,
    private readonly now: () => number,
  ) {}

  url(id: string): string {
    const exp = Math.floor(this.now() / 1000) + this.ttlSec;
    return `${this.baseUrl().replace(/\/$/, '')}/recordings/${id}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  check(id: string, exp: unknown, sig: unknown): LinkCheck {
    if (typeof exp !== 'string' || typeof sig !== 'string') return 'missing';
    if (!/^\d+$/.test(exp)) return 'bad-signature';
    const expected = Buffer.from(this.sign(id, Number(exp)));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return 'bad-signature';
    return Number(exp) * 1000 < this.now() ? 'expired' : 'ok';
  }

  private sign(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}.${exp}`).digest('base64url');
  }
}
