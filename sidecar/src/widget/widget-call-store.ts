// Reads and writes widget_calls, always scoped by (portal, agent). Ending a click-to-call also
// appends it to call_records (the call log, T1) in the same transaction — and, because HubSpot
// owns that engagement, deliberately without an outbox 'call' row: that is where "never logged
// twice" is enforced for widget calls. Once a click-to-call has both ended and HubSpot's
// engagement id, a 'call-engagement' row (PATCH of that one engagement) is queued, whichever
// of the two facts arrives second, in the same transaction as it.
import { MoreThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { CallDirection, CallOutcome } from '../domain/call.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { CallRecordEntity } from '../store/entities.ts';
import { inTransaction } from '../store/transactions.ts';
import {
  EngagementOwner,
  sidecarWritesEngagement,
  type EndStatus,
} from './engagement-ownership.ts';
import { CALL_ENGAGEMENT_KIND, type CallEngagementPayload } from './engagement-sender.ts';
import { WidgetCallEntity, type WidgetCallRow } from './widget-call-entity.ts';

export class WidgetCallError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'VALIDATION',
    message: string,
  ) {
    super(message);
    this.name = 'WidgetCallError';
  }
}

const OUTCOME: Record<EndStatus, CallOutcome> = {
  COMPLETED: CallOutcome.Completed,
  FAILED: CallOutcome.Failed,
  CANCELED: CallOutcome.Canceled,
  BUSY: CallOutcome.Busy,
  NO_ANSWER: CallOutcome.NoAnswer,
};

export class WidgetCallStore {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxStore,
    /** Called after a commit that queued an outbox row. */
    private readonly onQueued: () => void = () => undefined,
  ) {}

  /** The row, locked for the rest of the transaction where the database can (MySQL). */
  private lockedRow(manager: EntityManager, id: string, portalId: string) {
    return manager.getRepository(WidgetCallEntity).findOne({
      where: { id, portalId },
      ...(this.ds.options.type === 'better-sqlite3'
        ? {} // SQLite transactions are already serialised (store/transactions.ts).
        : { lock: { mode: 'pessimistic_write' as const } }),
    });
  }

  private async queueEngagementFacts(manager: EntityManager, row: WidgetCallRow): Promise<boolean> {
    if (row.engagementId === null || row.state !== 'ended' || row.endStatus === null) return false;
    const duration =
      row.answeredAt === null || row.endedAt === null
        ? 0
        : Math.max(0, row.endedAt - row.answeredAt);
    const payload: CallEngagementPayload = {
      callId: row.id,
      engagementId: row.engagementId,
      properties: {
        hs_call_status: row.endStatus,
        hs_call_duration: String(duration),
        hs_call_to_number: row.toNumber,
        ...(row.fromNumber ? { hs_call_from_number: row.fromNumber } : {}),
      },
    };
    await this.outbox.add(manager, {
      portalId: row.portalId,
      kind: CALL_ENGAGEMENT_KIND,
      dedupeKey: `call-engagement:${row.id}`,
      payload,
    });
    return true;
  }

  private repo() {
    return this.ds.getRepository(WidgetCallEntity);
  }

  async insert(row: WidgetCallRow): Promise<void> {
    await this.repo().insert(row);
  }

  /**
   * Calls of this agent not ended yet, started after `since` (a widget that reconnects or
   * reloads picks them up; older ones were cut off by a crash and are not shown forever).
   */
  async openCalls(portalId: string, agentId: string, since: number): Promise<WidgetCallRow[]> {
    return this.repo().find({
      where: { portalId, agentId, state: Not('ended'), createdAt: MoreThan(since) },
      order: { createdAt: 'ASC' },
      take: 20,
    });
  }

  async get(portalId: string, agentId: string, id: string): Promise<WidgetCallRow> {
    const row = await this.repo().findOneBy({ id, portalId, agentId });
    if (!row) throw new WidgetCallError('NOT_FOUND', `no call ${id} for this agent`);
    return row;
  }

  async update(
    portalId: string,
    id: string,
    patch: Partial<Pick<WidgetCallRow, 'state' | 'answeredAt' | 'contactId'>>,
  ): Promise<void> {
    await this.repo().update({ id, portalId }, patch);
  }

  /** The engagement HubSpot created for a call the widget owns (from onCreateEngagementSucceeded). */
  async attachEngagement(
    portalId: string,
    agentId: string,
    id: string,
    engagementId: string,
  ): Promise<WidgetCallRow> {
    if (!/^\d{1,20}$/.test(engagementId))
      throw new WidgetCallError('VALIDATION', 'engagementId must be a HubSpot object id');
    await this.get(portalId, agentId, id);
    const { row, queued } = await inTransaction(this.ds, async (manager) => {
      const current = await this.lockedRow(manager, id, portalId);
      if (!current) throw new WidgetCallError('NOT_FOUND', `no call ${id} for this agent`);
      if (sidecarWritesEngagement(current.engagementOwner))
        throw new WidgetCallError(
          'CONFLICT',
          'the sidecar owns this call engagement; the widget must not create one',
        );
      if (current.engagementId !== null) {
        if (current.engagementId === engagementId) return { row: current, queued: false };
        throw new WidgetCallError(
          'CONFLICT',
          `call already has engagement ${current.engagementId}`,
        );
      }
      await manager.getRepository(WidgetCallEntity).update({ id, portalId }, { engagementId });
      const updated = { ...current, engagementId };
      return { row: updated, queued: await this.queueEngagementFacts(manager, updated) };
    });
    if (queued) this.onQueued();
    return row;
  }

  async setDisposition(
    portalId: string,
    agentId: string,
    id: string,
    disposition: string,
  ): Promise<WidgetCallRow> {
    const row = await this.get(portalId, agentId, id);
    if (row.state !== 'ended') throw new WidgetCallError('CONFLICT', 'the call has not ended yet');
    await this.repo().update({ id, portalId, agentId }, { disposition });
    return { ...row, disposition };
  }

  /**
   * Ends a click-to-call: final state on widget_calls and a call_records row, one transaction.
   * No outbox row: the engagement belongs to HubSpot (see engagement-ownership.ts).
   */
  async endClickToCall(
    row: WidgetCallRow,
    end: {
      status: EndStatus;
      endedAt: number;
      answeredAt: number | null;
      channelId: string;
      cause: string;
    },
  ): Promise<void> {
    if (row.engagementOwner !== EngagementOwner.HubSpot)
      throw new Error('endClickToCall is only for HubSpot-owned calls');
    const queued = await inTransaction(this.ds, async (manager) => {
      const current = await this.lockedRow(manager, row.id, row.portalId);
      const ended = {
        state: 'ended' as const,
        endStatus: end.status,
        endedAt: end.endedAt,
        answeredAt: end.answeredAt,
      };
      await manager
        .getRepository(WidgetCallEntity)
        .update({ id: row.id, portalId: row.portalId }, ended);
      await manager.getRepository(CallRecordEntity).insert({
        id: row.id,
        portalId: row.portalId,
        channelId: end.channelId,
        direction: CallDirection.Outbound,
        fromNumber: row.fromNumber,
        toNumber: row.toNumber,
        contactId: row.contactId,
        outcome: OUTCOME[end.status],
        startedAt: row.createdAt,
        answeredAt: end.answeredAt,
        endedAt: end.endedAt,
        durationMs: end.answeredAt === null ? 0 : Math.max(0, end.endedAt - end.answeredAt),
        hangupCause: end.cause.slice(0, 64),
        note: `click-to-call by agent ${row.agentId}; engagement owned by HubSpot`,
      });
      return current ? this.queueEngagementFacts(manager, { ...current, ...ended }) : false;
    });
    if (queued) this.onQueued();
  }

  /** Inbound notifications end here (the inbound path logs the call itself). */
  async endInbound(
    portalId: string,
    id: string,
    status: EndStatus,
    endedAt: number,
  ): Promise<void> {
    await this.repo().update({ id, portalId }, { state: 'ended', endStatus: status, endedAt });
  }
}
