// The outbox kinds and their payloads: the contract between whoever records a fact (a call,
// an SMS, an RSVP, script answers, a fax) and the sender that writes it to HubSpot. Producers
// add a row with OutboxStore.add inside the transaction that records the fact; the dedupe key
// makes the write idempotent end to end (one key, one CRM object or event, ever).
import type { CallOutboxPayload } from '../crm/call-sender.ts';

export type CrmObjectType = 'contacts' | 'companies' | 'deals' | 'tickets';

export interface CrmRef {
  objectType: CrmObjectType;
  id: string;
}

/** kind 'call', dedupe `call:<callId>`: a Call engagement (inbound, outbound, voicemail). */
export type { CallOutboxPayload };

/** kind 'sms', dedupe `sms:<messageId>`: a Communication with channel SMS. */
export interface SmsOutboxPayload {
  messageId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  from: string;
  to: string;
  body: string;
  at: number;
  associations: CrmRef[];
}

/** kind 'note', dedupe `note:<id>`: a Note, optionally with files (fax PDF) uploaded first. */
export interface NoteOutboxPayload {
  noteId: string;
  body: string;
  at: number;
  /** Files on the sidecar's disk to upload through the files API and attach. */
  attachments: { path: string; fileName: string; contentType: string }[];
  associations: CrmRef[];
}

/**
 * kind 'timeline-event', dedupe `timeline:<eventId>`: an app timeline event (RSVP answer,
 * call-script answers, campaign outcome) on one record, from a template named in manifest.json.
 */
export interface TimelineEventOutboxPayload {
  eventId: string;
  /** Template name as declared in manifest.json (e.g. 'rsvp', 'script-answers'). */
  template: string;
  object: CrmRef;
  tokens: Record<string, string | number>;
  at: number;
}

/**
 * kind 'property-update', dedupe `props:<objectType>:<id>:<reason-id>`: sets properties on a
 * record (e.g. the RSVP property of an event, contract status after grant/revoke).
 */
export interface PropertyUpdateOutboxPayload {
  object: CrmRef;
  properties: Record<string, string>;
}

/**
 * kind 'action-callback', dedupe `callback:<callbackId>`: completes a workflow action that
 * answered BLOCK (POST /automation/v4/actions/callbacks/complete), exactly once.
 */
export interface ActionCallbackOutboxPayload {
  callbackId: string;
  outputFields: Record<string, string | number>;
}

export const OutboxKind = {
  Call: 'call',
  Sms: 'sms',
  Note: 'note',
  TimelineEvent: 'timeline-event',
  PropertyUpdate: 'property-update',
  ActionCallback: 'action-callback',
} as const;
export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];
