// Composition root: config → store → adapters → services → HTTP / ARI / outbox.
// Nothing else constructs infrastructure; tests start the same graph with their own config.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { databaseUrlOf, type Config } from './config.ts';
import { handleInboundCall } from './calls/inbound-call.ts';
import { CallSender } from './crm/call-sender.ts';
import { HubSpotContactDirectory } from './crm/contact-directory.ts';
import { HubSpotPortals } from './crm/hubspot-portals.ts';
import { SlidingWindowLimiter } from './crm/rate-limiter.ts';
import type { FinishedCall } from './domain/call.ts';
import { Answer, Hangup, Play } from './flows/steps.ts';
import { createHttpApp } from './http/app.ts';
import { createLogger } from './ops/logger.ts';
import { Metrics } from './ops/metrics.ts';
import { OutboxStore } from './outbox/outbox-store.ts';
import { OutboxWorker } from './outbox/outbox-worker.ts';
import { systemClock, type Clock, type Logger } from './ports.ts';
import { CallLog } from './store/call-log.ts';
import { openDataSource } from './store/data-source.ts';
import { AriTelephony } from './telephony/ari-telephony.ts';

/** Portal id used in single-account mode when HUBSPOT_PORTAL_ID is not given. */
export const SINGLE_ACCOUNT_PORTAL = 'single';

export interface Sidecar {
  readonly url: string;
  readonly ds: DataSource;
  readonly telephony: AriTelephony;
  readonly outbox: OutboxWorker;
  readonly outboxStore: OutboxStore;
  readonly callLog: CallLog;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Resolves with each call as it is logged (tests wait on this instead of sleeping). */
  onCallLogged(listener: (call: FinishedCall) => void): () => void;
  /** SIGTERM path: stop taking calls, let active calls finish, flush the outbox, close. */
  shutdown(): Promise<void>;
}

export interface SidecarOverrides {
  clock?: Clock;
  log?: Logger;
}

export async function startSidecar(
  config: Config,
  overrides: SidecarOverrides = {},
): Promise<Sidecar> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const ds = await openDataSource(databaseUrlOf(config), { migrate: true });

  const portalId = config.HUBSPOT_PORTAL_ID ?? SINGLE_ACCOUNT_PORTAL;
  const portals = new HubSpotPortals(config.HUBSPOT_API_BASE_URL, () =>
    config.HUBSPOT_ACCESS_TOKEN ? [{ portalId, accessToken: config.HUBSPOT_ACCESS_TOKEN }] : [],
  );
  // Writes are spaced evenly (one per 10 s / limit) rather than let through in a burst that
  // empties the 10-second window and then stalls: while a request waits for its slot, calls
  // accumulate and the next upsert carries them all. Search has its own, per-second limit.
  const writeLimiter = new SlidingWindowLimiter(
    1,
    10_000 / config.HUBSPOT_RATE_LIMIT_PER_10S,
    clock,
  );
  const searchLimiter = new SlidingWindowLimiter(config.HUBSPOT_SEARCH_PER_S, 1000, clock);
  const directory = new HubSpotContactDirectory(portals, searchLimiter, clock);
  const outboxStore = new OutboxStore(ds, clock);
  const outbox = new OutboxWorker(
    outboxStore,
    [new CallSender(portals, writeLimiter, directory)],
    log.child({ part: 'outbox' }),
    {
      pollMs: config.OUTBOX_POLL_MS,
      retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
      retryCapMs: config.OUTBOX_RETRY_CAP_MS,
    },
  );
  const callLog = new CallLog(ds, outboxStore);

  // Gauges read the telephony and outbox state at scrape time.
  const metrics = new Metrics({
    activeCalls: () => telephony.status().activeCalls,
    outboxDepth: () => outboxStore.pendingCount(),
    ariConnected: () => telephony.status().connected,
  });
  const telephony = new AriTelephony(
    {
      url: config.ARI_URL,
      username: config.ARI_USERNAME,
      password: config.ARI_PASSWORD,
      app: config.ARI_APP,
      maxBackoffMs: config.ARI_RECONNECT_MAX_MS,
    },
    clock,
    log.child({ part: 'ari' }),
    {
      onEventLag: (ms) => metrics.eventLagSeconds.observe(ms / 1000),
      onReconnect: () => metrics.ariReconnects.inc(),
    },
  );

  const callListeners = new Set<(call: FinishedCall) => void>();
  const greeting = [new Answer(), new Play(config.GREETING_MEDIA), new Hangup()];
  let accepting = true;
  // Calls still being handled, including logging after hang-up: shutdown waits for these.
  const inFlight = new Set<Promise<unknown>>();
  telephony.start((call) => {
    const handling = handleInboundCall(call, {
      clock,
      log,
      directory,
      callLog,
      defaultCountry: config.DEFAULT_COUNTRY,
      lookupTimeoutMs: config.HUBSPOT_LOOKUP_TIMEOUT_MS,
      portalFor: () => portalId,
      flowFor: () => greeting,
      onRouted: (ms) => metrics.routingSeconds.observe(ms / 1000),
      onRecorded: (finished) => {
        metrics.callsTotal.inc({ outcome: finished.outcome });
        outbox.nudge();
        for (const l of callListeners) l(finished);
      },
    })
      .catch((err: unknown) =>
        log.error({ err, channelId: call.info.id }, 'inbound call handling failed'),
      )
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  outbox.start();

  const app = createHttpApp({
    log,
    metrics: config.METRICS_ENABLED ? metrics : undefined,
    readiness: {
      database: async () => {
        try {
          await ds.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      ari: () => telephony.status().connected,
      accepting: () => accepting,
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  log.info(
    { url, ariUrl: config.ARI_URL, app: config.ARI_APP, crm: config.HUBSPOT_API_BASE_URL },
    'sidecar started',
  );

  let shuttingDown: Promise<void> | undefined;
  return {
    url,
    ds,
    telephony,
    outbox,
    outboxStore,
    callLog,
    metrics,
    log,
    onCallLogged(listener) {
      callListeners.add(listener);
      return () => callListeners.delete(listener);
    },
    shutdown() {
      shuttingDown ??= (async () => {
        accepting = false;
        telephony.stopAccepting();
        log.info({ activeCalls: telephony.status().activeCalls }, 'shutting down: draining calls');
        await Promise.race([
          telephony.idle().then(() => Promise.all(inFlight)),
          new Promise((r) => setTimeout(r, config.SHUTDOWN_DRAIN_MS).unref()),
        ]);
        await telephony.stop();
        await outbox.stop();
        const left = await outbox.flush(Date.now() + 10_000);
        log.info({ outboxLeft: left }, 'outbox flushed');
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await ds.destroy();
      })();
      return shuttingDown;
    },
  };
}
