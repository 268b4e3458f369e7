// T6: a ticket opened from a call, with the caller's number for a direct callback, a summary
// of the script answers, and associations to the contact, its company and the Call. Idempotent
// per call: the ticket is upserted by a unique property holding our call id, so a second click
// or a retry after a lost answer finds the same ticket instead of opening another.
import type { CrmRef } from '../outbox/kinds.ts';
import type { CallHistory } from './call-history.ts';
import type { CardCrm } from './crm.ts';
import { CardApiError, notFound } from './errors.ts';
import type { CallScripts } from './scripts.ts';

export const TICKET_CALL_PROPERTY = 'centralino_source_call_id';

// HUBSPOT_DEFINED association type ids, ticket → …
const TICKET_TO = { contacts: 16, companies: 339, deals: 28, calls: 219 } as const;

export interface OpenedTicket {
  ticketId: string;
  created: boolean;
  subject: string;
}

export class TicketsFromCalls {
  private readonly propertyReady = new Set<string>();

  constructor(
    private readonly crm: CardCrm,
    private readonly calls: CallHistory,
    private readonly scripts: CallScripts,
  ) {}

  async open(portalId: string, callId: string, origin: CrmRef): Promise<OpenedTicket> {
    const call = await this.calls.byId(portalId, callId);
    if (!call) throw notFound('call');
    if (!call.hubspotCallId)
      throw new CardApiError(
        409,
        'CALL_NOT_IN_CRM_YET',
        'the call is still being written to HubSpot; try again in a moment',
      );
    const caller = call.direction === 'INBOUND' ? call.fromNumber : call.toNumber;
    const summaries = await this.scripts.summariesOfCall(portalId, callId);
    const subject = `Call from ${caller} on ${new Date(call.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const content = [
      `Caller: ${caller} (call back directly)`,
      `Call outcome: ${call.outcome}`,
      ...(summaries.length > 0 ? ['', ...summaries] : ['', 'No script answers recorded.']),
    ].join('\n');

    await this.ensureProperty(portalId);
    const upserted = await this.crm.request<{ results?: { id: string; new?: boolean }[] }>(
      portalId,
      {
        method: 'POST',
        path: '/crm/v3/objects/tickets/batch/upsert',
        body: {
          inputs: [
            {
              id: callId,
              idProperty: TICKET_CALL_PROPERTY,
              properties: {
                subject,
                content,
                hs_pipeline: '0',
                hs_pipeline_stage: '1',
                [TICKET_CALL_PROPERTY]: callId,
              },
            },
          ],
        },
      },
    );
    const ticket = upserted.results?.[0];
    if (!ticket) throw new CardApiError(502, 'CRM_REFUSED', 'HubSpot returned no ticket');

    const contactIds = new Set<string>();
    if (call.contactId) contactIds.add(call.contactId);
    if (origin.objectType === 'contacts') contactIds.add(origin.id);
    const companyIds = new Set<string>();
    if (origin.objectType === 'companies') companyIds.add(origin.id);
    for (const c of contactIds)
      for (const co of await this.crm.associatedIds(portalId, 'contacts', c, 'companies'))
        companyIds.add(co);
    await this.associate(portalId, ticket.id, 'contacts', [...contactIds]);
    await this.associate(portalId, ticket.id, 'companies', [...companyIds]);
    if (origin.objectType === 'deals')
      await this.associate(portalId, ticket.id, 'deals', [origin.id]);
    await this.associate(portalId, ticket.id, 'calls', [call.hubspotCallId]);
    return { ticketId: ticket.id, created: ticket.new === true, subject };
  }

  private async associate(
    portalId: string,
    ticketId: string,
    to: keyof typeof TICKET_TO,
    ids: string[],
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.crm.request(portalId, {
      method: 'POST',
      path: `/crm/v4/associations/tickets/${to}/batch/create`,
      body: {
        inputs: ids.map((id) => ({
          from: { id: ticketId },
          to: { id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TICKET_TO[to] }],
        })),
      },
    });
  }

  /** The unique ticket property our upsert keys on; created once per portal. */
  private async ensureProperty(portalId: string): Promise<void> {
    if (this.propertyReady.has(portalId)) return;
    try {
      await this.crm.request(portalId, {
        method: 'GET',
        path: `/crm/v3/properties/tickets/${TICKET_CALL_PROPERTY}`,
      });
    } catch (err) {
      if (!(err instanceof CardApiError) || err.status !== 404) throw err;
      try {
        await this.crm.request(portalId, {
          method: 'POST',
          path: '/crm/v3/properties/tickets',
          body: {
            name: TICKET_CALL_PROPERTY,
            label: 'Centralino source call id',
            type: 'string',
            fieldType: 'text',
            groupName: 'ticketinformation',
            hasUniqueValue: true,
            description: 'Set by Centralino: the call this ticket was opened from.',
          },
        });
      } catch (createErr) {
        // Created by another sidecar process in between.
        if (!(createErr instanceof CardApiError) || !/409|CONFLICT|exists/i.test(createErr.message))
          throw createErr;
      }
    }
    this.propertyReady.add(portalId);
  }
}
