// Inbound call notification: when a call arrives, every agent of that account whose widget is
// open and who is available is told, with the caller's CRM contact when the caller ID matches
// (ContactDirectory, cached and bounded like the routing lookup). The inbound path itself logs
// the call (the sidecar owns that engagement), so the widget shows it with createEngagement false.
import { randomUUID } from 'node:crypto';
import type { AgentPresence } from '../acd/port.ts';
import { toE164 } from '../domain/phone.ts';
import type { Clock, ContactDirectory, CrmContact, Logger } from '../ports.ts';
import type { CallChannel } from '../telephony/port.ts';
import { viewOf } from './call-view.ts';
import { engagementOwnerFor } from './engagement-ownership.ts';
import type { WidgetEvents } from './events.ts';
import type { WidgetCallRow } from './widget-call-entity.ts';
import type { WidgetCallStore } from './widget-call-store.ts';

export interface InboundNotifierDeps {
  presence: AgentPresence;
  events: WidgetEvents;
  store: WidgetCallStore;
  directory: ContactDirectory;
  clock: Clock;
  log: Logger;
  defaultCountry: string;
  lookupTimeoutMs: number;
  portalFor(calledNumber: string): string;
}

export async function notifyInboundCall(
  call: CallChannel,
  deps: InboundNotifierDeps,
): Promise<void> {
  const calledRaw = call.info.args[1] ?? '';
  const portalId = deps.portalFor(calledRaw);
  const agents = deps.events.connectedAgents(portalId);
  if (agents.length === 0) return;
  const available: string[] = [];
  for (const agentId of agents) {
    const status = await deps.presence.get(portalId, agentId);
    if (status?.state === 'available') available.push(agentId);
  }
  if (available.length === 0) return;

  const caller = toE164(call.info.callerNumber, deps.defaultCountry);
  const called = toE164(calledRaw, deps.defaultCountry) ?? calledRaw;
  let contact: CrmContact | null = null;
  if (caller) {
    const found = await deps.directory.findByPhone(
      portalId,
      caller,
      AbortSignal.timeout(deps.lookupTimeoutMs),
    );
    if (found.kind === 'found') contact = found.contact;
  }
  const rows: WidgetCallRow[] = available.map((agentId) => ({
    id: randomUUID(),
    portalId,
    agentId,
    direction: 'INBOUND',
    fromNumber: caller ?? call.info.callerNumber,
    toNumber: called,
    contactId: contact?.id ?? null,
    engagementOwner: engagementOwnerFor('inbound'),
    engagementId: null,
    disposition: null,
    state: 'ringing',
    endStatus: null,
    createdAt: call.startedAt,
    answeredAt: null,
    endedAt: null,
  }));
  for (const row of rows) {
    await deps.store.insert(row);
    deps.events.publish(portalId, row.agentId, { type: 'call', call: viewOf(row, contact) });
  }
  const end = await call.ended;
  const status = end.by === 'lost' ? 'FAILED' : 'COMPLETED';
  for (const row of rows) {
    await deps.store.endInbound(portalId, row.id, status, end.at);
    deps.events.publish(portalId, row.agentId, {
      type: 'call',
      call: viewOf({ ...row, state: 'ended', endStatus: status, endedAt: end.at }, contact),
    });
  }
}
