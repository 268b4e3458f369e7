// Composition root: config → store → adapters → services → HTTP / ARI / outbox.
// Nothing else constructs infrastructure; tests start the same graph with their own config.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { databaseUrlOf, publicUrlOf, type Config } from './config.ts';
import { handleInboundCall } from './calls/inbound-call.ts';
import { wireCards } from './cards/wire.ts';
import { HubSpotContactDirectory } from './crm/contact-directory.ts';
import { HubSpotPortals } from './crm/hubspot-portals.ts';
import type { FinishedCall } from './domain/call.ts';
import { createHttpApp } from './http/app.ts';
import { operatorApiGuard } from './http/operator-guard.ts';
import { prepareHubSpotTokens, wireHubSpotApp, type HubSpotApp } from './hubspot-app/wire.ts';
import { createLogger } from './ops/logger.ts';
import { Metrics } from './ops/metrics.ts';
import { OutboxStore } from './outbox/outbox-store.ts';
import { OutboxWorker } from './outbox/outbox-worker.ts';
import { hubspotPacers, wireWriteBack } from './outbox/write-back.ts';
import { systemClock, type Clock, type Logger } from './ports.ts';
import { CallLog } from './store/call-log.ts';
import { openDataSource } from './store/data-source.ts';
import { AriTelephony } from './telephony/ari-telephony.ts';
import { CallEngagementSender } from './widget/engagement-sender.ts';
import { wireWidget, type Widget } from './widget/wire.ts';
import type { AgentPresence, CallQueues } from './acd/port.ts';
import { rememberedNumbersForCards } from './routing/card-adapters.ts';
import { routingSettingsForCards } from './routing/settings-card-adapter.ts';
import type { AcdAdmin as CardAcdAdmin } from './cards/ports.ts';
import { wireRouting, type Routing } from './routing/wire.ts';
import { wireSpeech } from './tts/wire.ts';
import { acdAdminForCards } from './acd/card-adapter.ts';
import { wireAcd, type Acd, type AcdDeps } from './acd/wire.ts';
import type { RecordingArchive } from './recordings/port.ts';
import type { DialObserver } from './campaigns/dialer.ts';
import { wireCampaigns, type CampaignsWiring } from './campaigns/wire.ts';
import { campaignsForCards } from './campaigns/card-adapter.ts';
import { createScheduler } from './jobs/scheduler.ts';
import type { CrmPropertiesReport } from './hubspot-app/crm-properties.ts';

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
  readonly widget: Widget;
  /** OAuth installs, webhook inbox, workflow actions, contract-status events, ticket mirror. */
  readonly hubspotApp: HubSpotApp;
  readonly routing: Routing;
  readonly acd: Acd;
  readonly campaigns: CampaignsWiring;
  /** Single-account mode: the start-up creation of manifest.json's CRM properties. */
  readonly crmProperties: Promise<CrmPropertiesReport | Error | null>;
  /** Resolves with each call as it is logged (tests wait on this instead of sleeping). */
  onCallLogged(listener: (call: FinishedCall) => void): () => void;
  /** SIGTERM path: stop taking calls, let active calls finish, flush the outbox, close. */
  shutdown(): Promise<void>;
}

export interface SidecarOverrides {
  clock?: Clock;
  log?: Logger;
  /** The queues the flows' queue node uses (default: the ACD's; routing tests pass a double). */
  queues?: CallQueues;
  /** Where queue-call recordings go (the recordings module's archive). */
  recordingArchive?: RecordingArchive;
  acd?: Pick<AcdDeps, 'hooks' | 'priorityOf'>;
  /** Agent presence for the widget (default: the ACD's; widget tests pass their own). */
  agentPresence?: AgentPresence;
  /** Sees every campaign dial and hang-up (tests, bench). */
  campaignObserver?: DialObserver;
}

export async function startSidecar(
  config: Config,
  overrides: SidecarOverrides = {},
): Promise<Sidecar> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const ds = await openDataSource(databaseUrlOf(config), { migrate: true });

  const portalId = config.HUBSPOT_PORTAL_ID ?? SINGLE_ACCOUNT_PORTAL;
  const hubspotTokens = await prepareHubSpotTokens(config, { ds, clock, log });
  const portals = new HubSpotPortals(
    config.HUBSPOT_API_BASE_URL,
    () => [
      ...(config.HUBSPOT_ACCESS_TOKEN
        ? [{ portalId, accessToken: config.HUBSPOT_ACCESS_TOKEN }]
        : []),
      ...hubspotTokens.credentials(),
    ],
    hubspotTokens.fresh,
  );
  const pacers = hubspotPacers(ds, clock, config);
  const directory = new HubSpotContactDirectory(portals, pacers.searches, clock);
  const outboxStore = new OutboxStore(ds, clock);
  // Every HubSpot write of every part goes through the one shared, per-account pacer.
  const writeLimiter = pacers.writes;
  let boundUrl = '';
  const hubspotApp = wireHubSpotApp(config, {
    ds,
    clock,
    log,
    tokens: hubspotTokens,
    portals,
    outboxStore,
    limiter: writeLimiter,
    nudgeOutbox: () => outbox.nudge(),
    publicUrl: () => config.PUBLIC_URL ?? boundUrl,
  });
  let acdForCards: CardAcdAdmin | undefined;
  const acdCardAdmin = (): CardAcdAdmin => (acdForCards ??= acdAdminForCards(acd.admin, acd.repo));
  const cards = wireCards({
    ds,
    portals,
    writeLimiter,
    outboxStore,
    nudgeOutbox: () => outbox.nudge(),
    clock,
    log,
    clientSecret: config.HUBSPOT_CLIENT_SECRET,
    publicUrl: publicUrlOf(config),
    supportStatusProperty: config.SUPPORT_STATUS_PROPERTY,
    // Routing is wired below (it needs the HTTP URL); the cards reach it when a request comes.
    ports: {
      rememberedNumbers: rememberedNumbersForCards(() => routing.remembered),
      routingSettings: routingSettingsForCards({
        settings: () => routing.settings,
        flows: () => routing.store.current(),
        defaultCountry: config.DEFAULT_COUNTRY,
        defaultTimeZone: 'Europe/Rome',
        prepareSpeech: (text) => speech.prepare(text),
      }),
      // The ACD is wired below: build its card adapter once, on the first request.
      acdAdmin: {
        overview: (p) => acdCardAdmin().overview(p),
        setQueueStrategy: (p, q, s) => acdCardAdmin().setQueueStrategy(p, q, s),
      },
      campaigns: campaignsForCards(() => campaigns.service),
    },
  });
  const writeBack = wireWriteBack({
    config,
    portals,
    pacer: pacers.writes,
    directory,
    store: outboxStore,
  });
  // The write-back registers the sender of every shared kind; the widget's engagement patch is
  // the one kind only its part writes.
  const outbox = new OutboxWorker(
    outboxStore,
    [...writeBack.senders, new CallEngagementSender(portals, writeLimiter)],
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

  const acd: Acd = await wireAcd({
    ds,
    telephony,
    clock,
    log,
    ari: {
      url: config.ARI_URL,
      username: config.ARI_USERNAME,
      password: config.ARI_PASSWORD,
      app: config.ARI_APP,
    },
    defaultPortalId: portalId,
    defaultCountry: config.DEFAULT_COUNTRY,
    dataDir: config.DATA_DIR,
    trunkDialTemplate: config.TRANSFER_DIAL_TEMPLATE,
    seedFile: config.ACD_SEED_FILE,
    // Routing is wired below; asked only once calls flow.
    hasFlow: (number) => routing.hasFlowFor(number),
    // Queue recordings go to routing's archive (wired below, used only once calls flow).
    archive: overrides.recordingArchive ?? {
      storeFromAri: (name, meta) => routing.archive.storeFromAri(name, meta),
      storeFile: (file, type, meta) => routing.archive.storeFile(file, type, meta),
    },
    ...overrides.acd,
  }).catch(async (err: unknown) => {
    // A bad seed file stops the start: close the database so the process can exit.
    await ds.destroy();
    throw err;
  });

  // Calling widget (H2): agents' presence is the ACD's.
  const widget = await wireWidget({
    config,
    ds,
    telephony,
    portals,
    outboxStore,
    nudgeOutbox: () => outbox.nudge(),
    directory,
    presence: overrides.agentPresence ?? acd.presence,
    transfers: acd.widgetTransfers,
    clock,
    log,
    portalFor: () => portalId,
  });

  // Asterisk fetches synthesised speech from us (where we listen, unless TTS_MEDIA_URL says).
  const speech = wireSpeech(config, log, () => url);
  const routing: Routing = await wireRouting({
    config,
    tts: speech.tts,
    ds,
    clock,
    log,
    telephony,
    portals,
    searchLimiter: pacers.searches,
    queues: overrides.queues ?? acd.queues,
    defaultPortalId: portalId,
    publicUrl: () => config.PUBLIC_URL ?? url,
  }).catch(async (err: unknown) => {
    // A bad flows file stops the start cleanly (the message names the place).
    await ds.destroy();
    throw err;
  });
  // A contract-status change in the CRM (webhook) reaches the support gate's cache at once.
  hubspotApp.contractStatus.subscribe((changedPortal) => routing.crm.invalidate(changedPortal));
  const callListeners = new Set<(call: FinishedCall) => void>();
  let accepting = true;
  // Calls still being handled, including logging after hang-up: shutdown waits for these.
  const inFlight = new Set<Promise<unknown>>();
  telephony.start((call) => {
    widget.onInboundCall(call);
    const handling = handleInboundCall(call, {
      clock,
      log,
      directory,
      callLog,
      defaultCountry: config.DEFAULT_COUNTRY,
      lookupTimeoutMs: config.HUBSPOT_LOOKUP_TIMEOUT_MS,
      portalFor: () => portalId,
      flowFor: (called) => acd.flowFor(portalId, called) ?? routing.flowFor(called),
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
  hubspotApp.start();
  // Single-account mode: the account is set up at start (an OAuth account at install). In the
  // background: HubSpot being slow or down must not hold the PBX up; a failure is logged.
  const crmProperties: Promise<CrmPropertiesReport | Error | null> = config.HUBSPOT_ACCESS_TOKEN
    ? hubspotApp.ensureCrmProperties(portalId).catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        log.error({ portalId, err: error.message }, 'CRM properties not set up');
        return error;
      })
    : Promise.resolve(null);
  // Jobs (agenda on our database): definitions are added by the features, then it starts.
  const scheduler = createScheduler(ds, {
    name: `${hostname()}:${process.pid}`,
    processEvery: config.JOBS_POLL_MS,
    logger: log.child({ part: 'jobs' }),
  });
  const campaigns = wireCampaigns({
    scheduler,
    actions: hubspotApp.actions,
    portals,
    config,
    ds,
    telephony,
    outboxStore,
    nudgeOutbox: () => outbox.nudge(),
    clock,
    log,
    ...(overrides.campaignObserver ? { observer: overrides.campaignObserver } : {}),
  });
  campaigns.start();
  await scheduler.start();

  const app = createHttpApp({
    log,
    routers: [
      // In front of every operator API (ACD, agents, routing, campaigns): admin token or a
      // HubSpot-signed request for the account the request names.
      operatorApiGuard({
        adminToken: config.ADMIN_API_TOKEN,
        clientSecret: config.HUBSPOT_CLIENT_SECRET,
        publicUrl: () => config.PUBLIC_URL ?? url,
        clock,
        log: log.child({ part: 'operator-api' }),
      }),
      ...hubspotApp.routers,
      ...writeBack.routers,
      cards.router,
      widget.router,
      ...routing.routers,
      speech.router,
      ...acd.routers,
      campaigns.router,
    ],
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
  boundUrl = url;
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
    widget,
    hubspotApp,
    routing,
    acd,
    campaigns,
    crmProperties,
    onCallLogged(listener) {
      callListeners.add(listener);
      return () => callListeners.delete(listener);
    },
    shutdown() {
      shuttingDown ??= (async () => {
        accepting = false;
        telephony.stopAccepting();
        const campaignsStopped = campaigns.stop();
        log.info({ activeCalls: telephony.status().activeCalls }, 'shutting down: draining calls');
        await Promise.race([
          Promise.all([campaignsStopped, telephony.idle().then(() => Promise.all(inFlight))]),
          new Promise((r) => setTimeout(r, config.SHUTDOWN_DRAIN_MS).unref()),
        ]);
        await widget.stop();
        acd.stop();
        // agenda.stop() waits for running jobs and clears its timers (watchdogs included).
        await scheduler.stop();
        await telephony.stop();
        await hubspotApp.stop();
        routing.stop();
        await outbox.stop();
        const left = await outbox.flush(Date.now() + 10_000);
        log.info({ outboxLeft: left }, 'outbox flushed');
        // Calls are drained and the outbox flushed: cut kept-alive HTTP connections (widgets,
        // cards) now instead of waiting out their keep-alive timeout.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await ds.destroy();
      })();
      return shuttingDown;
    },
  };
}
