// POST /twilio/sms-status/:portalId/:executionId — Twilio's delivery status callback for an SMS
// sent by the send-sms workflow action. The X-Twilio-Signature is checked (full public URL +
// form parameters) before anything is read; a final status completes the blocked action.
import express, { type Router } from 'express';
import type { WorkflowActions } from '../actions/workflow-actions.ts';
import type { Logger } from '../ports.ts';
import { smsBlockKey } from './send-sms-action.ts';

export const SMS_STATUS_PATH = '/twilio/sms-status';

export function twilioStatusRouter(d: {
  actions: WorkflowActions;
  validate(signature: string, url: string, params: Record<string, string>): boolean;
  publicUrl: () => string;
  log: Logger;
}): Router {
  const r = express.Router();
  r.post(
    `${SMS_STATUS_PATH}/:portalId/:executionId`,
    express.urlencoded({ extended: false }),
    async (req, res) => {
      const params = Object.fromEntries(
        Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
      const signature = req.get('x-twilio-signature') ?? '';
      const url = new URL(req.originalUrl, d.publicUrl()).toString();
      if (!signature || !d.validate(signature, url, params)) {
        d.log.warn({ path: req.path }, 'Twilio status callback refused: bad signature');
        res.status(403).type('text').send('bad signature');
        return;
      }
      const status = params.MessageStatus;
      const sid = params.MessageSid ?? '';
      if (status === 'delivered' || status === 'undelivered' || status === 'failed') {
        const outcome = await d.actions.complete(
          String(req.params.portalId),
          smsBlockKey(String(req.params.executionId)),
          { messageSid: sid, deliveryStatus: status },
          status === 'delivered' ? 'SUCCESS' : 'FAIL_CONTINUE',
        );
        d.log.info({ sid, status, outcome }, 'SMS final status');
      }
      res.status(200).type('text').send('');
    },
  );
  return r;
}
