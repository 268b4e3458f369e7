// Wiring of the HubSpot marketplace app side: OAuth installs and their tokens, the webhook
// inbox and its worker, workflow actions (send SMS first), the ticket mirror API. main.ts calls
// prepareHubSpotTokens (before HubSpotPortals exists) and wireHubSpotApp (after).
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import { loadAppManifest, type AppManifest } from '../app-manifest.ts';
import { actionRouter } from '../actions/action-router.ts';
import { ExecutionStore } from '../actions/execution-store.ts';
import { WorkflowActions } from '../actions/workflow-actions.ts';
import type { Config } from '../config.ts';
import type {
  FreshTokenSource,
  HubSpotPortals,
  PortalCredentials,
} from '../crm/hubspot-portals.ts';
import { InstallStates } from '../oauth/install-state.ts';
import { HubSpotOAuthClient } from '../oauth/oauth-client.ts';
import { oauthRouter } from '../oauth/oauth-router.ts';
import { OAuthTokens } from '../oauth/oauth-tokens.ts';
import { TokenCipher } from '../oauth/token-cipher.ts';
import { PortalTokenStore } from '../oauth/token-store.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock, Logger } from '../ports.ts';
import { sendSmsAction } from '../sms/send-sms-action.ts';
import { TwilioSms } from '../sms/twilio-sms.ts';
import { SMS_STATUS_PATH, twilioStatusRouter } from '../sms/twilio-status-router.ts';
import { ContractStatusBus } from '../webhooks/contract-status.ts';
import { webhookHandler } from '../webhooks/handlers.ts';
import { WebhookInbox } from '../webhooks/inbox-store.ts';
import { WebhookInboxWorker } from '../webhooks/inbox-worker.ts';
import { TicketMirror } from '../webhooks/ticket-mirror.ts';
import { webhookRouter } from '../webhooks/webhook-router.ts';
import { ticketApiRouter } from './ticket-api.ts';
import { ensureCrmProperties, type CrmPropertiesReport } from './crm-properties.ts';

export interface HubSpotTokens {
  /** OAuth-installed portals with their current access tokens. */
  credentials(): PortalCredentials[];
  fresh: FreshTokenSource | undefined;
  oauth?: {
    tokens: OAuthTokens;
    store: PortalTokenStore;
    client: HubSpotOAuthClient;
    cipher: TokenCipher;
  };
}

export async function prepareHubSpotTokens(
  config: Config,
  d: { ds: DataSource; clock: Clock; log: Logger },
): Promise<HubSpotTokens> {
  if (!config.HUBSPOT_CLIENT_ID || !config.HUBSPOT_CLIENT_SECRET || !config.TOKEN_ENCRYPTION_KEY) {
    return { credentials: () => [], fresh: undefined };
  }
  const cipher = new TokenCipher(config.TOKEN_ENCRYPTION_KEY);
  const store = new PortalTokenStore(d.ds, cipher, d.clock);
  const client = new HubSpotOAuthClient(config.HUBSPOT_API_BASE_URL, {
    clientId: config.HUBSPOT_CLIENT_ID,
    clientSecret: config.HUBSPOT_CLIENT_SECRET,
  });
  const tokens = new OAuthTokens(store, client, d.clock, d.log.child({ part: 'oauth' }));
  await tokens.reload();
  return {
    credentials: () =>
      tokens.portalIds().flatMap((portalId) => {
        const accessToken = tokens.accessToken(portalId);
        return accessToken ? [{ portalId, accessToken }] : [];
      }),
    fresh: tokens,
    oauth: { tokens, store, client, cipher },
  };
}

export interface HubSpotApp {
  manifest: AppManifest;
  routers: Router[];
  contractStatus: ContractStatusBus;
  tickets: TicketMirror;
  inbox: WebhookInbox;
  inboxWorker: WebhookInboxWorker | undefined;
  actions: WorkflowActions;
  tokens: HubSpotTokens;
  portals: HubSpotPortals;
  /** Creates manifest.json's CRM properties in the account where missing (install, start). */
  ensureCrmProperties(portalId: string): Promise<CrmPropertiesReport>;
  start(): void;
  stop(): Promise<void>;
}

export function wireHubSpotApp(
  config: Config,
  d: {
    ds: DataSource;
    clock: Clock;
    log: Logger;
    tokens: HubSpotTokens;
    portals: HubSpotPortals;
    outboxStore: OutboxStore;
    limiter: { acquire(portalId: string): Promise<unknown> };
    nudgeOutbox: () => void;
    publicUrl: () => string;
    manifest?: AppManifest;
  },
): HubSpotApp {
  const manifest = d.manifest ?? loadAppManifest();
  const log = d.log.child({ part: 'hubspot-app' });
  const secret = config.HUBSPOT_CLIENT_SECRET;
  const contractStatus = new ContractStatusBus(log);
  const tickets = new TicketMirror(d.ds);
  const inbox = new WebhookInbox(d.ds, d.clock);
  const actions = new WorkflowActions(
    d.ds,
    new ExecutionStore(d.ds, d.clock),
    d.outboxStore,
    manifest,
    d.clock,
    log,
    d.nudgeOutbox,
  );
  const routers: Router[] = [];
  const timers: NodeJS.Timeout[] = [];

  const crmProperties = async (portalId: string): Promise<CrmPropertiesReport> => {
    const report = await d.portals.withClient(portalId, (client) =>
      ensureCrmProperties(client, manifest, () => d.limiter.acquire(portalId)),
    );
    if (!report) throw new Error(`no HubSpot credentials for account ${portalId}`);
    log.info({ portalId, created: report.created }, 'CRM properties in place');
    return report;
  };

  const oauth = d.tokens.oauth;
  if (oauth && config.HUBSPOT_CLIENT_ID && secret) {
    routers.push(
      oauthRouter({
        manifest,
        publicUrl: d.publicUrl,
        clientId: config.HUBSPOT_CLIENT_ID,
        clientSecret: secret,
        appId: config.HUBSPOT_APP_ID,
        states: new InstallStates(d.ds, secret, d.clock),
        oauth: oauth.client,
        store: oauth.store,
        tokens: oauth.tokens,
        clock: d.clock,
        log,
        onUninstalled: (portalId) => d.portals.drop(portalId),
        onInstalled: crmProperties,
      }),
    );
  }

  const twilio =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM_NUMBER
      ? new TwilioSms({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          fromNumber: config.TWILIO_FROM_NUMBER,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
        })
      : undefined;
  if (twilio) {
    actions.registerAction(
      sendSmsAction({
        sms: twilio,
        outbox: d.outboxStore,
        clock: d.clock,
        defaultCountry: config.DEFAULT_COUNTRY,
        statusCallbackUrl: (portalId, executionId) =>
          new URL(`${SMS_STATUS_PATH}/${portalId}/${executionId}`, d.publicUrl()).toString(),
      }),
    );
    routers.push(
      twilioStatusRouter({
        actions,
        validate: (s, u, p) => twilio.validate(s, u, p),
        publicUrl: d.publicUrl,
        log,
      }),
    );
  }

  let inboxWorker: WebhookInboxWorker | undefined;
  if (secret) {
    inboxWorker = new WebhookInboxWorker(
      d.ds,
      inbox,
      webhookHandler({
        rules: {
          formContactStatusProperty: config.FORM_STATUS_PROPERTY,
          formContactStatusValue: config.FORM_STATUS_VALUE,
          contractStatusProperties: config.CONTRACT_STATUS_PROPERTIES,
        },
        outbox: d.outboxStore,
        contractStatus,
        tickets,
        portals: d.portals,
        limiter: d.limiter,
      }),
      log.child({ part: 'webhooks' }),
      {
        pollMs: config.WEBHOOK_POLL_MS,
        retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
        retryCapMs: config.OUTBOX_RETRY_CAP_MS,
      },
    );
    const worker = inboxWorker;
    // The outbox rows a handler adds are sent at once rather than at the next poll.
    worker.on('processed', () => d.nudgeOutbox());
    routers.push(
      webhookRouter({
        path: manifest.webhooks.path,
        clientSecret: secret,
        publicUrl: d.publicUrl,
        appId: config.HUBSPOT_APP_ID,
        inbox,
        clock: d.clock,
        log,
        onStored: (n) => {
          if (n > 0) worker.nudge();
        },
      }),
      actionRouter({ actions, clientSecret: secret, publicUrl: d.publicUrl, clock: d.clock, log }),
      ticketApiRouter({ tickets, clientSecret: secret, publicUrl: d.publicUrl, clock: d.clock }),
    );
  }

  return {
    manifest,
    routers,
    contractStatus,
    tickets,
    inbox,
    inboxWorker,
    actions,
    tokens: d.tokens,
    portals: d.portals,
    ensureCrmProperties: crmProperties,
    start() {
      inboxWorker?.start();
      const every = (ms: number, what: string, work: () => Promise<unknown>) => {
        const t = setInterval(() => {
          work().catch((err: unknown) => log.warn({ err }, `${what} failed`));
        }, ms);
        t.unref();
        timers.push(t);
      };
      if (oauth)
        every(config.TOKEN_REFRESH_SWEEP_MS, 'token refresh', () => oauth.tokens.refreshDue());
      every(config.ACTION_EXPIRY_SWEEP_MS, 'workflow action expiry', () => actions.expireDue());
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await inboxWorker?.stop();
    },
  };
}
