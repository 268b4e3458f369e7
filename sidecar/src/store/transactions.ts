// One way to run a transaction on either database. better-sqlite3 has a single connection,
// so TypeORM cannot overlap two transactions on it ("cannot start a transaction within a
// transaction"); on SQLite they are queued, on MySQL they run concurrently on the pool.
// InnoDB may pick a concurrent transaction as a deadlock victim (e.g. an insert into the outbox
// while the worker's claim UPDATE holds gap locks): the victim is rolled back whole, so running
// the work again is safe, and it is retried a few times before the error is passed on.
import type { DataSource, EntityManager } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/** ER_LOCK_DEADLOCK and ER_LOCK_WAIT_TIMEOUT: the transaction was rolled back, try again. */
const RETRYABLE_ERRNO = new Set([1213, 1205]);
const MAX_ATTEMPTS = 4;

function isRetryable(err: unknown): boolean {
  const driver = (err as { driverError?: { errno?: unknown } } | null)?.driverError;
  return typeof driver?.errno === 'number' && RETRYABLE_ERRNO.has(driver.errno);
}

async function withDeadlockRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

export function inTransaction<T>(
  ds: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (ds.options.type !== 'better-sqlite3') return withDeadlockRetry(() => ds.transaction(work));
  const previous = queues.get(ds) ?? Promise.resolve();
  const next = previous.then(
    () => ds.transaction(work),
    () => ds.transaction(work),
  );
  queues.set(
    ds,
    next.catch(() => undefined),
  );
  return next;
}
