// Workflow action "send an SMS" (manifest id send-sms). Choice: it BLOCKs until the carrier's
// final delivery status (Twilio's signed status callback), so a workflow can branch on
// delivered / undelivered; outputs messageSid and deliveryStatus. The SMS is recorded on the
// contact's timeline through the outbox (kind sms) in the transaction that stores the answer.
import { z } from 'zod';
import type { ActionDefinition } from '../actions/types.ts';
import { RetryableActionError } from '../actions/types.ts';
import { toE164 } from '../domain/phone.ts';
import { addOutboxOnce } from '../hubspot-app/outbox-rows.ts';
import { OutboxKind, type SmsOutboxPayload } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock } from '../ports.ts';
import { SmsSendError, type SmsPort } from './port.ts';

export const SEND_SMS_ACTION = 'send-sms';

export function smsBlockKey(executionId: string): string {
  return `sms:${executionId}`;
}

export function sendSmsAction(d: {
  sms: SmsPort;
  outbox: OutboxStore;
  clock: Clock;
  defaultCountry: string;
  statusCallbackUrl(portalId: string, executionId: string): string;
}) {
  const inputSchema = z.object({
    phoneNumber: z.string().transform((v, ctx) => {
      const e164 = toE164(v, d.defaultCountry);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: `not a phone number: ${v}` });
        return z.NEVER;
      }
      return e164;
    }),
    message: z.string().trim().min(1, 'message is empty').max(1600, 'at most 1600 characters'),
  });

  const action: ActionDefinition<typeof inputSchema> = {
    id: SEND_SMS_ACTION,
    inputSchema,
    async start(ctx) {
      const key = smsBlockKey(ctx.executionId);
      await ctx.reserveKey(key);
      let sent;
      try {
        sent = await d.sms.send({
          to: ctx.inputs.phoneNumber,
          body: ctx.inputs.message,
          statusCallbackUrl: d.statusCallbackUrl(ctx.portalId, ctx.executionId),
        });
      } catch (err) {
        if (err instanceof SmsSendError && err.retryable)
          throw new RetryableActionError(err.message);
        throw err;
      }
      const payload: SmsOutboxPayload = {
        messageId: sent.messageId,
        direction: 'OUTBOUND',
        from: sent.from,
        to: ctx.inputs.phoneNumber,
        body: ctx.inputs.message,
        at: d.clock.now(),
        associations:
          ctx.object?.objectType.toUpperCase() === 'CONTACT'
            ? [{ objectType: 'contacts', id: ctx.object.objectId }]
            : [],
      };
      return {
        block: { key },
        record: async (manager) => {
          await addOutboxOnce(d.outbox, manager, {
            portalId: ctx.portalId,
            kind: OutboxKind.Sms,
            dedupeKey: `sms:${sent.messageId}`,
            payload,
          });
        },
      };
    },
  };
  return action;
}
