// SMS instead of, or after, the calls: the invitation goes out, the reply (YES/NO in several
// languages) becomes the RSVP, a STOP-like reply opts the number out, and an unclear reply
// gets exactly one clarifying SMS. Replies arrive through the Twilio webhook.
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxKind } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock, Logger } from '../ports.ts';
import type { CampaignSms } from './sms-port.ts';
import { inTransaction } from '../store/transactions.ts';
import { campaignDefinitionSchema, type CampaignDefinition } from './definition.ts';
import {
  CampaignEntity,
  TargetEntity,
  TargetState,
  type CampaignRow,
  type TargetRow,
} from './entities.ts';
import { fillTemplate, parseReply } from './replies.ts';
import type { CampaignResults } from './results.ts';

export type ReplyHandling =
  'rsvp-yes' | 'rsvp-no' | 'opted-out' | 'clarified' | 'ignored' | 'unknown-sender';

export class SmsOutreach {
  constructor(
    private readonly ds: DataSource,
    private readonly sms: CampaignSms,
    private readonly outbox: OutboxStore,
    private readonly results: CampaignResults,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fromNumber: string,
  ) {}

  async invite(c: CampaignRow, def: CampaignDefinition, t: TargetRow): Promise<void> {
    if (!def.sms) return;
    const body = fillTemplate(def.sms.text, JSON.parse(t.variables) as Record<string, string>);
    const messageId = await this.sms.send(t.portalId, t.phone, body);
    await inTransaction(this.ds, async (m) => {
      await m.getRepository(TargetEntity).update(
        { id: t.id },
        {
          state: TargetState.AwaitingSms,
          smsState: 'sent',
          leaseToken: null,
          leaseUntil: null,
          updatedAt: this.clock.now(),
        },
      );
      await this.recordSms(m, t, messageId, 'OUTBOUND', body);
    });
    this.log.info({ campaignId: c.id, targetId: t.id }, 'campaign SMS sent');
  }

  async handleReply(
    portalId: string,
    from: string,
    body: string,
    messageId: string,
  ): Promise<ReplyHandling> {
    const t = await this.ds.getRepository(TargetEntity).findOne({
      where: { portalId, phone: from, state: TargetState.AwaitingSms },
      order: { updatedAt: 'DESC' },
    });
    if (!t) return 'unknown-sender';
    const c = await this.ds
      .getRepository(CampaignEntity)
      .findOneByOrFail({ id: t.campaignId, portalId });
    const def = campaignDefinitionSchema.parse(JSON.parse(c.definition));
    if (!def.sms) return 'ignored';
    const meaning = parseReply(body, def.sms);
    if (meaning === 'unclear') {
      if (t.smsState === 'clarified') return 'ignored';
      const id = await this.sms.send(portalId, t.phone, def.sms.clarify);
      await inTransaction(this.ds, async (m) => {
        await m
          .getRepository(TargetEntity)
          .update({ id: t.id }, { smsState: 'clarified', updatedAt: this.clock.now() });
        await this.recordSms(m, t, messageId, 'INBOUND', body);
        await this.recordSms(m, t, id, 'OUTBOUND', def.sms!.clarify);
      });
      return 'clarified';
    }
    const announce = await inTransaction(this.ds, async (m) => {
      const won = await m.getRepository(TargetEntity).update(
        { id: t.id, state: TargetState.AwaitingSms },
        {
          state: TargetState.Done,
          smsState: 'answered',
          ...(meaning === 'stop'
            ? { lastOutcome: 'opted-out', result: 'opted-out' }
            : { rsvp: meaning, lastOutcome: 'sms-reply' }),
          updatedAt: this.clock.now(),
        },
      );
      if (won.affected !== 1) return undefined;
      await this.recordSms(m, t, messageId, 'INBOUND', body);
      if (meaning === 'stop') await this.results.optOut(m, t, 'sms-stop');
      else await this.results.rsvp(m, def, t, meaning, 'sms', messageId);
      return this.results.completeEnrollment(
        m,
        t,
        meaning === 'stop' ? 'opted-out' : 'sms-reply',
        meaning === 'stop' ? null : meaning,
      );
    });
    announce?.();
    return meaning === 'stop' ? 'opted-out' : meaning === 'yes' ? 'rsvp-yes' : 'rsvp-no';
  }

  private async recordSms(
    m: EntityManager,
    t: TargetRow,
    messageId: string,
    direction: 'INBOUND' | 'OUTBOUND',
    body: string,
  ): Promise<void> {
    await this.outbox.add(m, {
      portalId: t.portalId,
      kind: OutboxKind.Sms,
      dedupeKey: `sms:${messageId}`,
      payload: {
        messageId,
        direction,
        from: direction === 'OUTBOUND' ? this.fromNumber : t.phone,
        to: direction === 'OUTBOUND' ? t.phone : this.fromNumber,
        body,
        at: this.clock.now(),
        associations: t.contactId ? [{ objectType: 'contacts', id: t.contactId }] : [],
      },
    });
  }
}
