// Wiring of the write-back: the outbox is the single writer to HubSpot for every kind. One
// shared pacer per portal budget (writes; searches apart), the senders, the dead-letter view.
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import { ActionCallbackSender } from '../crm/action-callback-sender.ts';
import { CallSender } from '../crm/call-sender.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { NoteSender } from '../crm/note-sender.ts';
import { PropertyUpdateSender } from '../crm/property-update-sender.ts';
import { SharedPacer } from '../crm/shared-pacer.ts';
import { SmsSender } from '../crm/sms-sender.ts';
import { TimelineEventSender } from '../crm/timeline-sender.ts';
import { manifestTemplates, TimelineTemplates } from '../crm/timeline-templates.ts';
import type { Clock, ContactDirectory } from '../ports.ts';
import { deadLetterRouter } from './dead-letter-routes.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { OutboxSender } from './outbox-worker.ts';

/** Budgets shared by every sidecar process on the same database. */
export function hubspotPacers(ds: DataSource, clock: Clock, config: Config) {
  return {
    // Evenly spaced (10 s / limit): no burst empties HubSpot's rolling window.
    writes: new SharedPacer(ds, clock, 10_000 / config.HUBSPOT_RATE_LIMIT_PER_10S, 'write'),
    searches: new SharedPacer(ds, clock, 1000 / config.HUBSPOT_SEARCH_PER_S, 'search'),
  };
}

export function wireWriteBack(deps: {
  config: Config;
  portals: HubSpotPortals;
  pacer: SharedPacer;
  directory: ContactDirectory;
  store: OutboxStore;
}): { senders: OutboxSender[]; routers: Router[] } {
  const { config, portals, pacer, directory, store } = deps;
  const templates = new TimelineTemplates(
    {
      ...(config.HUBSPOT_APP_ID !== undefined ? { appId: Number(config.HUBSPOT_APP_ID) } : {}),
      ...(config.HUBSPOT_DEVELOPER_API_KEY
        ? { developerApiKey: config.HUBSPOT_DEVELOPER_API_KEY }
        : {}),
    },
    manifestTemplates(),
    pacer,
  );
  return {
    senders: [
      new CallSender(portals, pacer, directory),
      new SmsSender(portals, pacer),
      new NoteSender(portals, pacer, (row, payload) => store.savePayload(row, payload)),
      new TimelineEventSender(portals, pacer, templates),
      new PropertyUpdateSender(portals, pacer, store),
      new ActionCallbackSender(portals, pacer),
    ],
    routers: [deadLetterRouter(store, config.ADMIN_API_TOKEN)],
  };
}
