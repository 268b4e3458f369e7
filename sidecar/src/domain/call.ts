// A finished call as we log it, and its HubSpot Call representation. Pure.
export const CallDirection = { Inbound: 'INBOUND', Outbound: 'OUTBOUND' } as const;
export type CallDirection = (typeof CallDirection)[keyof typeof CallDirection];

export const CallOutcome = {
  Completed: 'COMPLETED',
  NoAnswer: 'NO_ANSWER',
  Busy: 'BUSY',
  Failed: 'FAILED',
  Canceled: 'CANCELED',
} as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

export interface FinishedCall {
  id: string;
  portalId: string;
  direction: CallDirection;
  fromNumber: string;
  toNumber: string;
  contactId: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  outcome: CallOutcome;
  /** Why routing took a fallback (CRM slow or down, …): shown in the CRM call body. */
  note: string | null;
  /** Link to the recording (queue call, voicemail) served by the sidecar, if any. */
  recordingUrl?: string | null;
}

/** The custom call property that makes write-back idempotent (batch upsert by unique value). */
export const CALL_ID_PROPERTY = 'centralino_call_id';

export const CALL_TO_CONTACT_ASSOCIATION = 194;

export interface HubSpotCallProperties {
  [CALL_ID_PROPERTY]: string;
  hs_timestamp: string;
  hs_call_title: string;
  hs_call_body: string;
  hs_call_direction: CallDirection;
  hs_call_status: CallOutcome;
  hs_call_duration: string;
  hs_call_from_number: string;
  hs_call_to_number: string;
  hs_call_recording_url?: string;
}

const isHttps = (url: string) => url.startsWith('https://');

/** Talk time in ms: from answer to hang-up; 0 for a call that was never answered. */
export function talkDurationMs(call: FinishedCall): number {
  return call.answeredAt === null ? 0 : Math.max(0, call.endedAt - call.answeredAt);
}

export function toHubSpotCall(call: FinishedCall): HubSpotCallProperties {
  const inbound = call.direction === CallDirection.Inbound;
  const title = inbound
    ? `Inbound call from ${call.fromNumber}`
    : `Outbound call to ${call.toNumber}`;
  const body = [
    `${inbound ? 'Inbound' : 'Outbound'} call ${call.fromNumber} → ${call.toNumber}`,
    `Outcome: ${call.outcome}`,
    call.contactId === null ? 'Caller not found in the CRM' : null,
    call.note,
    // HubSpot refuses a whole call whose recording link is not https; a plain-http link (a
    // sidecar without TLS, `npm start`) goes into the text instead, so the call still lands.
    call.recordingUrl && !isHttps(call.recordingUrl) ? `Recording: ${call.recordingUrl}` : null,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
  return {
    [CALL_ID_PROPERTY]: call.id,
    hs_timestamp: new Date(call.startedAt).toISOString(),
    hs_call_title: title,
    hs_call_body: body,
    hs_call_direction: call.direction,
    hs_call_status: call.outcome,
    hs_call_duration: String(talkDurationMs(call)),
    hs_call_from_number: call.fromNumber,
    hs_call_to_number: call.toNumber,
    ...(call.recordingUrl && isHttps(call.recordingUrl)
      ? { hs_call_recording_url: call.recordingUrl }
      : {}),
  };
}
