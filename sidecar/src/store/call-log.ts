// Records a finished call and queues its CRM write in one transaction: either both exist or
// neither does, so a call is never logged without being written back, nor written twice.
import type { DataSource } from 'typeorm';
import { talkDurationMs, type FinishedCall } from '../domain/call.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { CallOutboxPayload } from '../crm/call-sender.ts';
import { CallRecordEntity } from './entities.ts';
import { inTransaction } from './transactions.ts';

export class CallLog {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxStore,
  ) {}

  async record(
    call: FinishedCall,
    channelId: string,
    hangupCause: string,
    payload: CallOutboxPayload,
  ): Promise<void> {
    await inTransaction(this.ds, async (manager) => {
      await manager.getRepository(CallRecordEntity).insert({
        id: call.id,
        portalId: call.portalId,
        channelId,
        direction: call.direction,
        fromNumber: call.fromNumber,
        toNumber: call.toNumber,
        contactId: call.contactId,
        outcome: call.outcome,
        startedAt: call.startedAt,
        answeredAt: call.answeredAt,
        endedAt: call.endedAt,
        durationMs: talkDurationMs(call),
        hangupCause,
        note: call.note,
      });
      await this.outbox.add(manager, {
        portalId: call.portalId,
        kind: 'call',
        dedupeKey: `call:${call.id}`,
        payload,
      });
    });
  }

  async count(): Promise<number> {
    return this.ds.getRepository(CallRecordEntity).count();
  }
}
