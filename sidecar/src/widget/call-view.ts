// What the widget is told about a call: the row minus internals, plus the matched contact.
import type { CrmContact } from '../ports.ts';
import type { EndStatus, EngagementOwner } from './engagement-ownership.ts';
import type { WidgetCallRow, WidgetCallState } from './widget-call-entity.ts';

export interface WidgetCallView {
  callId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  state: WidgetCallState;
  fromNumber: string;
  toNumber: string;
  /** The widget passes createEngagement: engagementOwner === 'hubspot' — it never decides. */
  engagementOwner: EngagementOwner;
  contact: CrmContact | null;
  endStatus: EndStatus | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

export function viewOf(row: WidgetCallRow, contact: CrmContact | null = null): WidgetCallView {
  return {
    callId: row.id,
    direction: row.direction,
    state: row.state,
    fromNumber: row.fromNumber,
    toNumber: row.toNumber,
    engagementOwner: row.engagementOwner,
    contact: contact ?? (row.contactId ? { id: row.contactId } : null),
    endStatus: row.endStatus,
    startedAt: row.createdAt,
    answeredAt: row.answeredAt,
    endedAt: row.endedAt,
  };
}
