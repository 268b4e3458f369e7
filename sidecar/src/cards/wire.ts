// Builds the card APIs from the sidecar's shared parts: main.ts mounts the router. Their CRM
// writes are outbox rows, delivered by the write-back's senders (outbox/write-back.ts). Ports owned by other features (remembered numbers, routing
// settings, ACD admin) are passed in; unwired ones answer 501.
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock, Logger } from '../ports.ts';
import { CallHistory } from './call-history.ts';
import { CardCrm } from './crm.ts';
import type { CardPorts } from './ports.ts';
import { createCardRouter } from './router.ts';
import { CallScripts } from './scripts.ts';
import { SupportAccess } from './support-access.ts';
import { TicketsFromCalls } from './tickets.ts';

export interface CardDeps {
  ds: DataSource;
  portals: HubSpotPortals;
  writeLimiter: RequestPacer;
  outboxStore: OutboxStore;
  /** Deliver new outbox rows now (OutboxWorker.nudge). */
  nudgeOutbox: () => void;
  clock: Clock;
  log: Logger;
  clientSecret: string | undefined;
  publicUrl: string;
  supportStatusProperty: string;
  ports?: CardPorts;
}

export function wireCards(deps: CardDeps): { router: Router } {
  const crm = new CardCrm(deps.portals, deps.writeLimiter);
  const calls = new CallHistory(deps.ds);
  const scripts = new CallScripts(deps.ds, deps.outboxStore, deps.clock, deps.nudgeOutbox);
  const router = createCardRouter(
    {
      crm,
      calls,
      scripts,
      support: new SupportAccess(
        deps.ds,
        crm,
        deps.outboxStore,
        deps.supportStatusProperty,
        deps.nudgeOutbox,
      ),
      tickets: new TicketsFromCalls(crm, calls, scripts),
      ports: deps.ports ?? {},
    },
    {
      clientSecret: deps.clientSecret,
      publicUrl: deps.publicUrl,
      clock: deps.clock,
      log: deps.log.child({ part: 'cards' }),
    },
  );
  return { router };
}
