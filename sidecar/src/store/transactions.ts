// One way to run a transaction on either database. better-sqlite3 has a single connection,
// so TypeORM cannot overlap two transactions on it ("cannot start a transaction within a
// transaction"); on SQLite they are queued, on MySQL they run concurrently on the pool.
import type { DataSource, EntityManager } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

export function inTransaction<T>(
  ds: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (ds.options.type !== 'better-sqlite3') return ds.transaction(work);
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
