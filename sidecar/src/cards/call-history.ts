// Recent calls of a customer record, from our own call log (call_records), always scoped by
// portal. The recording link and the HubSpot Call id come from the call's outbox row (the
// payload the CRM got, and the id HubSpot answered with).
import { In, type DataSource } from 'typeorm';
import type { CallOutboxPayload } from '../crm/call-sender.ts';
import { CallRecordEntity, OutboxEntity, type CallRecordRow } from '../store/entities.ts';

export interface CallSummary {
  id: string;
  direction: string;
  fromNumber: string;
  toNumber: string;
  contactId: string | null;
  outcome: string;
  startedAt: number;
  durationMs: number;
  recordingUrl: string | null;
  /** The HubSpot Call id once written to the CRM. */
  hubspotCallId: string | null;
}

export class CallHistory {
  constructor(private readonly ds: DataSource) {}

  async forContacts(portalId: string, contactIds: string[], limit = 20): Promise<CallSummary[]> {
    if (contactIds.length === 0) return [];
    const rows = await this.ds.getRepository(CallRecordEntity).find({
      where: { portalId, contactId: In(contactIds) },
      order: { startedAt: 'DESC' },
      take: limit,
    });
    return this.summaries(portalId, rows);
  }

  async byId(portalId: string, callId: string): Promise<CallSummary | null> {
    const row = await this.ds
      .getRepository(CallRecordEntity)
      .findOne({ where: { portalId, id: callId } });
    return row ? ((await this.summaries(portalId, [row]))[0] ?? null) : null;
  }

  private async summaries(portalId: string, rows: CallRecordRow[]): Promise<CallSummary[]> {
    if (rows.length === 0) return [];
    const outboxRows = await this.ds.getRepository(OutboxEntity).find({
      where: { portalId, dedupeKey: In(rows.map((r) => `call:${r.id}`)) },
    });
    const byCall = new Map(outboxRows.map((o) => [o.dedupeKey.slice('call:'.length), o]));
    return rows.map((r) => {
      const o = byCall.get(r.id);
      const payload = o ? (JSON.parse(o.payload) as CallOutboxPayload) : undefined;
      return {
        id: r.id,
        direction: r.direction,
        fromNumber: r.fromNumber,
        toNumber: r.toNumber,
        contactId: r.contactId,
        outcome: r.outcome,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
        recordingUrl: payload?.call.recordingUrl ?? null,
        hubspotCallId: o?.state === 'sent' ? o.remoteId : null,
      };
    });
  }
}
