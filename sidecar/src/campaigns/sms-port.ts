// What campaigns need to text a recipient (invitations, clarifications, fallbacks): the
// message id back. Built over the shared SmsPort (sms/port.ts), whatever carries it.
import type { SmsPort } from '../sms/port.ts';

export interface CampaignSms {
  send(portalId: string, to: string, body: string): Promise<string>;
}

export function campaignSmsOver(port: SmsPort): CampaignSms {
  return {
    async send(_portalId, to, body) {
      return (await port.send({ to, body })).messageId;
    },
  };
}
