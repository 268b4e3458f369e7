// The write-back part of the sidecar alone (outbox worker + every sender + the shared pacer)
// against the HubSpot sandbox and a real database: for tests of each outbox kind that need no
// telephone call. Rows are added as producers add them: OutboxStore.add inside a transaction.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../sidecar/src/config.ts';
import { HubSpotContactDirectory } from '../../sidecar/src/crm/contact-directory.ts';
import { HubSpotPortals } from '../../sidecar/src/crm/hubspot-portals.ts';
import { createLogger } from '../../sidecar/src/ops/logger.ts';
import { OutboxStore } from '../../sidecar/src/outbox/outbox-store.ts';
import { OutboxWorker } from '../../sidecar/src/outbox/outbox-worker.ts';
import { hubspotPacers, wireWriteBack } from '../../sidecar/src/outbox/write-back.ts';
import { systemClock, type Clock } from '../../sidecar/src/ports.ts';
import type { OutboxRow } from '../../sidecar/src/store/entities.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { inTransaction } from '../../sidecar/src/store/transactions.ts';
import { isolatedTestDatabaseUrl } from './env.ts';

export interface WriteBackRig {
  ds: DataSource;
  config: Config;
  store: OutboxStore;
  worker: OutboxWorker;
  routers: ReturnType<typeof wireWriteBack>['routers'];
  /** Adds one row as a producer would (its own transaction) and nudges the worker. */
  add(kind: string, dedupeKey: string, payload: unknown, portalId?: string): Promise<void>;
  /** Adds many rows in one transaction (one producer's burst) and nudges the worker. */
  addMany(rows: { kind: string; key: string; payload: unknown }[]): Promise<void>;
  /** Resolves when every given dedupe key is settled (sent or dead), with the rows. */
  settled(keys: string[]): Promise<Map<string, OutboxRow>>;
  close(): Promise<void>;
}

export async function startWriteBack(
  env: Record<string, string>,
  opts: { clock?: Clock; tag?: string; databaseUrl?: string; batchSize?: number } = {},
): Promise<WriteBackRig> {
  const clock = opts.clock ?? systemClock;
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '50',
    OUTBOX_RETRY_CAP_MS: '400',
    ...env,
  });
  const log = createLogger(config.LOG_LEVEL);
  const databaseUrl = opts.databaseUrl ?? (await isolatedTestDatabaseUrl(opts.tag ?? 'writeback'));
  const ds = await openDataSource(databaseUrl, {
    migrate: true,
  });
  const portalId = config.HUBSPOT_PORTAL_ID ?? 'single';
  const portals = new HubSpotPortals(config.HUBSPOT_API_BASE_URL, () =>
    config.HUBSPOT_ACCESS_TOKEN ? [{ portalId, accessToken: config.HUBSPOT_ACCESS_TOKEN }] : [],
  );
  const pacers = hubspotPacers(ds, clock, config);
  const directory = new HubSpotContactDirectory(portals, pacers.searches, clock);
  const store = new OutboxStore(ds, clock);
  const wired = wireWriteBack({ config, portals, pacer: pacers.writes, directory, store });
  const worker = new OutboxWorker(store, wired.senders, log, {
    pollMs: config.OUTBOX_POLL_MS,
    retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
    retryCapMs: config.OUTBOX_RETRY_CAP_MS,
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
  });

  // Settled rows are remembered from the start, so a waiter registered late still sees them.
  const settledRows = new Map<string, OutboxRow>();
  const waiters = new Set<() => void>();
  const settle = (row: OutboxRow) => {
    settledRows.set(row.dedupeKey, row);
    for (const w of waiters) w();
  };
  worker.on('delivered', (row, remoteId) => settle({ ...row, state: 'sent', remoteId }));
  worker.on('dead', (row, error) => settle({ ...row, state: 'dead', lastError: error }));
  worker.start();

  return {
    ds,
    config,
    store,
    worker,
    routers: wired.routers,
    async add(kind, dedupeKey, payload, portal = portalId) {
      await inTransaction(ds, (m) => store.add(m, { portalId: portal, kind, dedupeKey, payload }));
      worker.nudge();
    },
    async addMany(rows) {
      await inTransaction(ds, async (m) => {
        for (const r of rows)
          await store.add(m, { portalId, kind: r.kind, dedupeKey: r.key, payload: r.payload });
      });
      worker.nudge();
    },
    settled(keys) {
      return new Promise((resolve) => {
        const check = () => {
          if (!keys.every((k) => settledRows.has(k))) return;
          waiters.delete(check);
          resolve(new Map(keys.map((k) => [k, settledRows.get(k)!])));
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      await worker.stop();
      await ds.destroy();
    },
  };
}

export const uniqueId = () => randomUUID();
