// What each HubSpot event does. A handler runs once per stored event (the worker retries it on
// a retryable failure); its database effects go through `commit`, which also marks the event
// done in the same transaction, so an effect is never applied twice or lost.
//   contact.creation from a website form → support status "pending authorization" (outbox)
//   contract-status property change       → ContractStatusBus (the support gate drops its cache)
//   ticket creation / change / deletion   → ticket mirror
import type { EntityManager } from 'typeorm';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import { addOutboxOnce } from '../hubspot-app/outbox-rows.ts';
import { OutboxKind, type PropertyUpdateOutboxPayload } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { ContractStatusBus } from './contract-status.ts';
import type { classify, WebhookEvent } from './events.ts';
import type { TicketMirror } from './ticket-mirror.ts';

export interface HandlerContext {
  event: WebhookEvent;
  objectType: ReturnType<typeof classify>['objectType'];
  change: ReturnType<typeof classify>['change'];
  /** Runs `work` and marks the event done, in one transaction. */
  commit(work?: (manager: EntityManager) => Promise<void>): Promise<void>;
  /** Runs after the commit (notifications). */
  afterCommit(fn: () => void): void;
}

export type WebhookHandler = (ctx: HandlerContext) => Promise<void>;

export interface WebhookRules {
  /** Contact property set when a website form creates a contact (S4). */
  formContactStatusProperty: string;
  formContactStatusValue: string;
  /** Properties (on contacts, companies or deals) whose change is a contract status change (S5). */
  contractStatusProperties: readonly string[];
}

export interface HandlerDeps {
  rules: WebhookRules;
  outbox: OutboxStore;
  contractStatus: ContractStatusBus;
  tickets: TicketMirror;
  portals: HubSpotPortals;
  limiter: { acquire(portalId: string): Promise<unknown> };
}

export function webhookHandler(d: HandlerDeps): WebhookHandler {
  return async (ctx) => {
    const { event, objectType, change } = ctx;
    const objectId = event.objectId;
    if (objectId === undefined) return ctx.commit();

    if (objectType === 'contacts' && change === 'creation' && event.changeSource === 'FORM') {
      const payload: PropertyUpdateOutboxPayload = {
        object: { objectType: 'contacts', id: objectId },
        properties: { [d.rules.formContactStatusProperty]: d.rules.formContactStatusValue },
      };
      const dedupeKey = `props:contacts:${objectId}:form-pending`;
      return ctx.commit(async (manager) => {
        // A contact is created once; a second creation event (another eventId) must not re-add.
        await addOutboxOnce(d.outbox, manager, {
          portalId: event.portalId,
          kind: OutboxKind.PropertyUpdate,
          dedupeKey,
          payload,
        });
      });
    }

    if (
      change === 'propertyChange' &&
      (objectType === 'contacts' || objectType === 'companies' || objectType === 'deals') &&
      event.propertyName !== undefined &&
      d.rules.contractStatusProperties.includes(event.propertyName)
    ) {
      const status = event.propertyValue ?? null;
      ctx.afterCommit(() =>
        d.contractStatus.onContractStatusChanged(event.portalId, objectType, objectId, status),
      );
      return ctx.commit();
    }

    if (objectType === 'tickets') {
      if (change === 'deletion')
        return ctx.commit((m) =>
          d.tickets.markDeleted(m, event.portalId, objectId, event.occurredAt),
        );
      if (change === 'propertyChange') {
        const value = event.propertyValue ?? null;
        const fields =
          event.propertyName === 'subject'
            ? { subject: value }
            : event.propertyName === 'hs_pipeline_stage'
              ? { status: value }
              : event.propertyName === 'hubspot_owner_id'
                ? { ownerId: value }
                : undefined;
        return ctx.commit(
          fields
            ? (m) => d.tickets.apply(m, event.portalId, objectId, fields, event.occurredAt)
            : undefined,
        );
      }
      if (change === 'creation') {
        // The creation event carries no properties: read the ticket once.
        const ticket = await readTicket(d, event.portalId, objectId);
        return ctx.commit(
          ticket
            ? (m) => d.tickets.apply(m, event.portalId, objectId, ticket, event.occurredAt)
            : undefined,
        );
      }
    }
    return ctx.commit();
  };
}

async function readTicket(d: HandlerDeps, portalId: string, ticketId: string) {
  await d.limiter.acquire(portalId);
  try {
    const res = await d.portals.withClient(portalId, (client) =>
      hubspotRequest<{ properties: Record<string, string | null> }>(client, {
        method: 'GET',
        path: `/crm/v3/objects/tickets/${encodeURIComponent(ticketId)}?properties=subject,hs_pipeline_stage,hubspot_owner_id`,
      }),
    );
    if (!res) throw new Error(`no HubSpot account for portal ${portalId}`);
    const p = res.body.properties;
    return {
      subject: p.subject ?? null,
      status: p.hs_pipeline_stage ?? null,
      ownerId: p.hubspot_owner_id ?? null,
    };
  } catch (err) {
    // Deleted meanwhile: nothing to mirror.
    if ((err as { code?: unknown }).code === 404) return undefined;
    throw err;
  }
}
