// S4/S5: the support status of a customer record (a CRM property; which one is configuration)
// and granting or revoking support from the card. Grant and revoke go through the outbox
// (kind property-update), so a click is written to HubSpot exactly once even across outages;
// until then the card shows the pending change.
import { Like, type DataSource } from 'typeorm';
import type { CrmRef } from '../outbox/kinds.ts';
import { OutboxKind, type PropertyUpdateOutboxPayload } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { OutboxEntity, OutboxState } from '../store/entities.ts';
import { inTransaction } from '../store/transactions.ts';
import type { CardCrm } from './crm.ts';

export const SupportStatus = {
  Paid: 'paid',
  Unpaid: 'unpaid',
  Expired: 'expired',
  PendingAuthorization: 'pending_authorization',
} as const;
export type SupportStatus = (typeof SupportStatus)[keyof typeof SupportStatus];

const KNOWN = new Set<string>(Object.values(SupportStatus));

export type SupportAction = 'grant' | 'revoke';

export interface SupportView {
  property: string;
  /** The value in HubSpot; null when unset or not one of ours. */
  status: SupportStatus | null;
  raw: string | null;
  /** A grant/revoke accepted but not yet written to HubSpot. */
  pending: { action: SupportAction; status: SupportStatus } | null;
}

export class SupportAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly crm: CardCrm,
    private readonly outbox: OutboxStore,
    private readonly property: string,
    private readonly nudge: () => void,
  ) {}

  async read(portalId: string, record: CrmRef): Promise<SupportView> {
    const body = await this.crm.request<{ properties?: Record<string, string | null> }>(portalId, {
      method: 'GET',
      path: `/crm/v3/objects/${record.objectType}/${encodeURIComponent(record.id)}?properties=${this.property}`,
    });
    const raw = body.properties?.[this.property] ?? null;
    return {
      property: this.property,
      status: raw !== null && KNOWN.has(raw) ? (raw as SupportStatus) : null,
      raw,
      pending: await this.pending(portalId, record),
    };
  }

  /**
   * Queues the change. `requestId` comes from the card (one per click): a retried request
   * (HubSpot retries hubspot.fetch once on 5xx) finds its row and adds nothing.
   */
  async change(
    portalId: string,
    record: CrmRef,
    action: SupportAction,
    requestId: string,
  ): Promise<SupportStatus> {
    const status = action === 'grant' ? SupportStatus.Paid : SupportStatus.Unpaid;
    // Record ids are per account and dedupe keys are not: the portal is part of the reason.
    const dedupeKey = `${this.keyPrefix(record)}support-${portalId}-${action}-${requestId}`;
    const payload: PropertyUpdateOutboxPayload = {
      object: record,
      properties: { [this.property]: status },
    };
    if (await this.outbox.byDedupeKey(dedupeKey)) return status;
    await inTransaction(this.ds, (manager) =>
      this.outbox.add(manager, {
        portalId,
        kind: OutboxKind.PropertyUpdate,
        dedupeKey,
        payload,
      }),
    );
    this.nudge();
    return status;
  }

  private keyPrefix(record: CrmRef): string {
    return `props:${record.objectType}:${record.id}:`;
  }

  private async pending(portalId: string, record: CrmRef): Promise<SupportView['pending']> {
    const row = await this.ds.getRepository(OutboxEntity).findOne({
      where: {
        portalId,
        kind: OutboxKind.PropertyUpdate,
        state: OutboxState.Pending,
        dedupeKey: Like(`${this.keyPrefix(record)}support-${portalId}-%`),
      },
      order: { createdAt: 'DESC' },
    });
    if (!row) return null;
    const payload = JSON.parse(row.payload) as PropertyUpdateOutboxPayload;
    const status = payload.properties[this.property] as SupportStatus;
    return { action: status === SupportStatus.Paid ? 'grant' : 'revoke', status };
  }
}
