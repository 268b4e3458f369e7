// widget_calls: calls the widget shows (click-to-call and inbound notifications), with who owns
// their CRM engagement. Scoped by portal and agent in every query.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';
import type { EndStatus, EngagementOwner } from './engagement-ownership.ts';

export type WidgetCallState =
  'agent-ringing' | 'customer-ringing' | 'ringing' | 'connected' | 'ended';

export interface WidgetCallRow {
  id: string;
  portalId: string;
  agentId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  fromNumber: string;
  toNumber: string;
  contactId: string | null;
  engagementOwner: EngagementOwner;
  engagementId: string | null;
  disposition: string | null;
  state: WidgetCallState;
  endStatus: EndStatus | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

export const WidgetCallEntity = new EntitySchema<WidgetCallRow>({
  name: 'WidgetCall',
  tableName: 'widget_calls',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    agentId: { name: 'agent_id', type: 'varchar', length: 64 },
    direction: { type: 'varchar', length: 16 },
    fromNumber: { name: 'from_number', type: 'varchar', length: 32 },
    toNumber: { name: 'to_number', type: 'varchar', length: 32 },
    contactId: { name: 'contact_id', type: 'varchar', length: 32, nullable: true },
    engagementOwner: { name: 'engagement_owner', type: 'varchar', length: 16 },
    engagementId: { name: 'engagement_id', type: 'varchar', length: 32, nullable: true },
    disposition: { type: 'varchar', length: 64, nullable: true },
    state: { type: 'varchar', length: 16 },
    endStatus: { name: 'end_status', type: 'varchar', length: 16, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
    answeredAt: { name: 'answered_at', type: 'bigint', nullable: true, transformer: epochMs },
    endedAt: { name: 'ended_at', type: 'bigint', nullable: true, transformer: epochMs },
  },
});
