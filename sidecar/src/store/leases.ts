// Leasing rows to one worker among several processes (outbox, webhook inbox): a conditional
// UPDATE sets a fresh lock token on rows that are still pending and unleased (or whose lease
// ran out). The condition is repeated in the UPDATE, so of two workers racing for a row exactly
// one gets it; the loser updates nothing and finds no row under its token.
import { randomUUID } from 'node:crypto';
import { In, type ObjectLiteral, type Repository } from 'typeorm';

interface Leasable extends ObjectLiteral {
  id: string;
  state: string;
  lockToken: string | null;
  lockedUntil: number | null;
}

/** Leases `ids` (rows in `pendingState`) until `now + leaseMs`; returns the lease token. */
export async function leaseRows<T extends Leasable>(
  repo: Repository<T>,
  ids: string[],
  pendingState: T['state'],
  now: number,
  leaseMs: number,
): Promise<string> {
  const token = randomUUID();
  await repo
    .createQueryBuilder()
    .update()
    .set({ lockToken: token, lockedUntil: now + leaseMs } as Partial<T>)
    .where({ id: In(ids), state: pendingState })
    .andWhere('(locked_until IS NULL OR locked_until < :now)', { now })
    .execute();
  return token;
}
