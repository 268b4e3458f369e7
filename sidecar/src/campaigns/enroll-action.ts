// Workflow action "enroll contact in a call campaign" (H4, manifest id campaign-enroll), on the
// general mechanism (actions/): the contact is added to the campaign under a block key and the
// execution BLOCKs; when its last attempt ends (or its SMS is answered) CampaignResults
// completes it with outputs outcome and rsvp, in the transaction that records that result.
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ActionDefinition, CompleteOutcome, FinalState, Outputs } from '../actions/types.ts';
import type { CampaignService } from './campaign-service.ts';
import { scalarText } from './sheet.ts';

export const ENROLL_ACTION = 'campaign-enroll';

/** What CampaignResults needs of the mechanism (WorkflowActions.completeWithin). */
export interface EnrollmentCompletion {
  completeWithin(
    m: EntityManager,
    portalId: string,
    key: string,
    outputs: Outputs,
    state?: FinalState,
  ): Promise<{ outcome: CompleteOutcome; announce: () => void }>;
}

export function enrollBlockKey(executionId: string): string {
  return `campaign-enroll:${executionId}`;
}

const inputSchema = z
  .object({
    campaignId: z.string().trim().min(1, 'campaignId is empty').max(36),
    phone: z.string().trim().min(3, 'phone is too short').max(32),
  })
  // Any further input (a name, an amount) becomes a variable of the contact's row.
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));

export function enrollAction(service: CampaignService): ActionDefinition<typeof inputSchema> {
  return {
    id: ENROLL_ACTION,
    inputSchema,
    async start(ctx) {
      const key = enrollBlockKey(ctx.executionId);
      // Reserved before the contact exists: a result that comes before start() returns is kept.
      await ctx.reserveKey(key);
      const vars = Object.fromEntries(
        Object.entries(ctx.inputs).map(([k, v]) => [k.toLowerCase(), scalarText(v)]),
      );
      const contactId =
        ctx.object?.objectType.toUpperCase() === 'CONTACT' ? ctx.object.objectId : '';
      const result = await service.addContacts(
        ctx.portalId,
        ctx.inputs.campaignId,
        [{ ...vars, phone: ctx.inputs.phone, contact_id: contactId }],
        key,
      );
      if (result.added !== 1)
        return {
          complete: {
            outcome: 'not-enrolled',
            rsvp: 'none',
            errorMessage: result.bad[0]?.reason ?? 'not added',
          },
          state: 'FAIL_CONTINUE',
        };
      return { block: { key } };
    },
  };
}
