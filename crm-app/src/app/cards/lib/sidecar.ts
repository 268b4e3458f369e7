// The only way cards reach the sidecar: hubspot.fetch (HubSpot signs each request and adds the
// account and user ids; the sidecar trusts nothing else). One function per card API.
import { hubspot } from '@hubspot/ui-extensions';
import type {
  CallScript,
  CallSummary,
  CallerView,
  CampaignAction,
  ContactCampaign,
  QueueView,
  RecordRef,
  RoutingSettingsView,
  SavedAnswers,
  ScriptAnswers,
  SettingsView,
  SupportAction,
} from './types';

/** Must be listed in app-hsmeta.json permittedUrls.fetch (and equal manifest.json sidecarUrl). */
export const SIDECAR_URL = 'https://sidecar.example.com';

export class SidecarError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SidecarError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function call<T>(method: Method, path: string, body?: Record<string, unknown>): Promise<T> {
  const res = await hubspot.fetch(`${SIDECAR_URL}${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
  });
  // Error answers from a proxy may not be JSON; the status still tells what happened.
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new SidecarError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `the sidecar answered ${res.status}`,
    );
  }
  return data as T;
}

const recordQuery = (r: RecordRef) =>
  `objectType=${encodeURIComponent(r.objectType)}&objectId=${encodeURIComponent(r.objectId)}`;

/** One id per click: a retried request (HubSpot retries once on 5xx) is not applied twice. */
export function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}

export const sidecar = {
  caller: (r: RecordRef) => call<CallerView>('GET', `/api/cards/caller?${recordQuery(r)}`),
  changeSupport: (record: RecordRef, action: SupportAction, requestId: string) =>
    call<{ accepted: boolean; status: string }>('POST', '/api/cards/support', {
      record,
      action,
      requestId,
    }),
  removeNumber: (record: RecordRef, number: string) =>
    call<{ removed: boolean }>('POST', '/api/cards/remembered-numbers/remove', { record, number }),
  calls: (r: RecordRef) =>
    call<{ calls: CallSummary[] }>('GET', `/api/cards/calls?${recordQuery(r)}`),
  scripts: () => call<{ scripts: CallScript[] }>('GET', '/api/cards/scripts'),
  createScript: (definition: Record<string, unknown>) =>
    call<{ script: CallScript }>('POST', '/api/cards/scripts', definition),
  deleteScript: (id: string) =>
    call<{ deleted: boolean }>('DELETE', `/api/cards/scripts/${encodeURIComponent(id)}`),
  saveAnswers: (input: {
    callId: string;
    scriptId: string;
    record: RecordRef;
    answers: ScriptAnswers;
  }) =>
    call<{ answers: SavedAnswers; created: boolean }>('POST', '/api/cards/script-answers', input),
  openTicket: (callId: string, record: RecordRef) =>
    call<{ ticket: { ticketId: string; created: boolean; subject: string } }>(
      'POST',
      '/api/cards/tickets',
      { callId, record },
    ),
  settings: () => call<SettingsView>('GET', '/api/cards/settings'),
  setEmergency: (enabled: boolean, text: string) =>
    call<{ routing: RoutingSettingsView }>('PUT', '/api/cards/settings/emergency', {
      enabled,
      text,
    }),
  setHours: (hours: RoutingSettingsView['hours']) =>
    call<{ routing: RoutingSettingsView }>('PUT', '/api/cards/settings/hours', { hours }),
  addHoliday: (date: string, name: string, text = '') =>
    call<{ routing: RoutingSettingsView }>('POST', '/api/cards/settings/holidays', {
      date,
      name,
      ...(text.trim() ? { text } : {}),
    }),
  removeHoliday: (date: string) =>
    call<{ routing: RoutingSettingsView }>(
      'DELETE',
      `/api/cards/settings/holidays/${encodeURIComponent(date)}`,
    ),
  campaigns: (r: RecordRef) =>
    call<{ campaigns: ContactCampaign[] }>('GET', `/api/cards/campaigns?${recordQuery(r)}`),
  campaignAction: (campaignId: string, action: CampaignAction) =>
    call<{ state: string }>(
      'POST',
      `/api/cards/campaigns/${encodeURIComponent(campaignId)}/${action}`,
    ),
  setQueueStrategy: (queueId: string, strategy: string) =>
    call<{ queue: QueueView }>('PUT', `/api/cards/settings/queues/${encodeURIComponent(queueId)}`, {
      strategy,
    }),
};
