// Wiring of the calling widget (H2), called from main.ts: builds the page bundle, the API
// router, click-to-call and the inbound notifier over the shared telephony, CRM and database.
import { randomBytes } from 'node:crypto';
import type { Client } from 'ari-client';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { AgentPresence } from '../acd/port.ts';
import type { Config } from '../config.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock, ContactDirectory, Logger } from '../ports.ts';
import type { CallChannel } from '../telephony/port.ts';
import { buildWidgetAssets } from './bundle.ts';
import { ClickToCall, type ClickToCallTelephony } from './click-to-call.ts';
import { Dispositions } from './dispositions.ts';
import { WidgetEvents } from './events.ts';
import { notifyInboundCall } from './inbound-notifier.ts';
import { widgetRouter } from './router.ts';
import type { QueueCallTransfers } from './transfer-port.ts';
import { queueCallEvent } from './transfer-routes.ts';
import { WidgetCallStore } from './widget-call-store.ts';

export interface WidgetDeps {
  config: Config;
  ds: DataSource;
  telephony: Pick<ClickToCallTelephony, 'originate' | 'bridge'> & { client(): Client };
  portals: HubSpotPortals;
  outboxStore: OutboxStore;
  /** Deliver a just-committed outbox row now. */
  nudgeOutbox(): void;
  directory: ContactDirectory;
  /** The ACD's AgentPresence; until it lands, main.ts passes an InMemoryAgentPresence. */
  presence: AgentPresence;
  /** The ACD's transfers of queue callers (acd/widget-transfers.ts). */
  transfers: QueueCallTransfers;
  clock: Clock;
  log: Logger;
  portalFor(calledNumber: string): string;
}

export interface Widget {
  router: Router;
  presence: AgentPresence;
  events: WidgetEvents;
  clickToCall: ClickToCall;
  store: WidgetCallStore;
  /** Signs agent session tokens (a random per-process key when WIDGET_SESSION_SECRET is unset). */
  secret: string;
  onInboundCall(call: CallChannel): void;
  stop(): Promise<void>;
}

export async function wireWidget(deps: WidgetDeps): Promise<Widget> {
  const log = deps.log.child({ part: 'widget' });
  const secret = deps.config.WIDGET_SESSION_SECRET ?? randomBytes(32).toString('base64url');
  if (!deps.config.WIDGET_SESSION_SECRET)
    log.warn({}, 'WIDGET_SESSION_SECRET unset: agent links stop working at the next restart');
  const events = new WidgetEvents();
  const store = new WidgetCallStore(deps.ds, deps.outboxStore, () => deps.nudgeOutbox());
  const pbx: ClickToCallTelephony = {
    originate: (req) => deps.telephony.originate(req),
    bridge: (name) => deps.telephony.bridge(name),
    async hangupChannel(channelId) {
      try {
        await deps.telephony.client().channels.hangup({ channelId });
      } catch {
        // Already gone (answered and hung up, failed, or not created yet): nothing to cancel.
      }
    },
  };
  const clickToCall = new ClickToCall(pbx, store, events, deps.clock, log, {
    agentDial: deps.config.WIDGET_AGENT_DIAL,
    customerDial: deps.config.WIDGET_CUSTOMER_DIAL,
    ...(deps.config.WIDGET_CALLER_ID ? { callerId: deps.config.WIDGET_CALLER_ID } : {}),
    ringTimeoutSec: deps.config.WIDGET_RING_TIMEOUT_S,
  });
  const offPresence = deps.presence.onChange((portalId, status) =>
    events.publish(portalId, status.agentId, { type: 'presence', status }),
  );
  // The agent's queue call changed: their widget shows it (and whom they consult, or who
  // consults them) live.
  const offQueueCalls = deps.transfers.onChange((portalId, agentId) =>
    events.publish(portalId, agentId, queueCallEvent(deps.transfers, portalId, agentId)),
  );
  const router = widgetRouter({
    assets: await buildWidgetAssets(),
    secret,
    clock: deps.clock,
    log,
    presence: deps.presence,
    events,
    store,
    clickToCall,
    dispositions: new Dispositions(deps.portals, deps.clock),
    transfers: deps.transfers,
    defaultCountry: deps.config.DEFAULT_COUNTRY,
    fromNumber: deps.config.WIDGET_CALLER_ID ?? '',
    frameAncestors: deps.config.WIDGET_FRAME_ANCESTORS,
  });
  const inFlight = new Set<Promise<void>>();
  return {
    router,
    presence: deps.presence,
    events,
    clickToCall,
    store,
    secret,
    onInboundCall(call) {
      const p = notifyInboundCall(call, {
        presence: deps.presence,
        events,
        store,
        directory: deps.directory,
        clock: deps.clock,
        log,
        defaultCountry: deps.config.DEFAULT_COUNTRY,
        lookupTimeoutMs: deps.config.HUBSPOT_LOOKUP_TIMEOUT_MS,
        portalFor: (called) => deps.portalFor(called),
      })
        .catch((err: unknown) => log.error({ err }, 'inbound widget notification failed'))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async stop() {
      offPresence();
      offQueueCalls();
      events.endAllStreams();
      await clickToCall.hangupAll();
      // Inbound notifications only wait for their call to end; do not hold shutdown for them.
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 1000).unref())]);
    },
  };
}
