// Who writes a call's engagement to HubSpot — decided once, by the sidecar, when the call
// starts, and never by the widget. Pure.
//
// - Click-to-call from the widget: HubSpot owns it. The widget sends outgoingCall with
//   createEngagement: true, HubSpot creates the engagement on the record the user dialled from
//   and shows it live; callCompleted fills it (disposition, status, duration). The sidecar
//   keeps the call in its own log (call_records) but queues NO outbox 'call' row for it.
// - Every other call (inbound, queues, campaigns): the sidecar owns it (outbox upsert keyed by
//   our call id, exactly once across outages). When the widget shows such a call it must say
//   createEngagement: false, and the sidecar refuses an engagement id for it.
export const EngagementOwner = { HubSpot: 'hubspot', Sidecar: 'sidecar' } as const;
export type EngagementOwner = (typeof EngagementOwner)[keyof typeof EngagementOwner];

export type WidgetCallOrigin = 'click-to-call' | 'inbound';

export function engagementOwnerFor(origin: WidgetCallOrigin): EngagementOwner {
  switch (origin) {
    case 'click-to-call':
      return EngagementOwner.HubSpot;
    case 'inbound':
      return EngagementOwner.Sidecar;
  }
}

/** Whether the sidecar's outbox may write this call's engagement. */
export function sidecarWritesEngagement(owner: EngagementOwner): boolean {
  return owner === EngagementOwner.Sidecar;
}

/** The SDK's callEndStatus values. */
export type EndStatus = 'COMPLETED' | 'FAILED' | 'CANCELED' | 'BUSY' | 'NO_ANSWER';

/** Maps why an originate failed (ARI Dial status or Q.850 cause text) to the SDK's end status. */
export function endStatusForOriginateFailure(reason: string): EndStatus {
  if (/busy/i.test(reason)) return 'BUSY';
  if (/noanswer|no answer|no user responding/i.test(reason)) return 'NO_ANSWER';
  return 'FAILED';
}
