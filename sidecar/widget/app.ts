// The calling widget, in HubSpot's iframe. It speaks the Calling Extensions SDK to HubSpot and
// the sidecar's /widget/api to the PBX. The sidecar decides everything about a call (including
// who owns its engagement); this page relays and shows it.
import CallingExtensions, { type OnCallCompleted } from '@hubspot/calling-extensions-sdk';
import {
  api,
  hasToken,
  loadToken,
  setToken,
  streamEvents,
  type AgentStatus,
  type CallView,
} from './sidecar-api.ts';
import { initTransferPanel, onConsulted, onQueueCall } from './transfer-panel.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function say(text: string): void {
  $('message').textContent = text;
}

// ---- HubSpot side (Calling Extensions SDK) ----
let hubspotReady = false;
let hostPortalId: number | null = null;
let status: AgentStatus | null = null;
/** The HubSpot account the agent's session token is for. */
let sessionPortalId: string | null = null;
/** Which SDK messages each call has already produced, so each is sent once and in order. */
const sent = new Map<string, Set<string>>();
const calls = new Map<string, CallView>();
const engagementIds = new Map<string, number>();
let current: CallView | null = null;
let dispositions: { id: string; label: string }[] = [];

const cti = new CallingExtensions({
  debugMode: false,
  eventHandlers: {
    onReady: (data?: { portalId?: number }) => {
      hubspotReady = true;
      hostPortalId = data?.portalId ?? null;
      checkPortal();
      cti.initialized({ isLoggedIn: status !== null && status.state !== 'logged-off' });
      announcePresence(null, status);
    },
    onDialNumber: (data: { phoneNumber?: string; objectId?: number; objectType?: string }) => {
      void dial(data.phoneNumber ?? '', data.objectType === 'CONTACT' ? data.objectId : undefined);
    },
    onEndCall: () => void hangup(),
    onCreateEngagementSucceeded: (data: { engagementId?: number }) => {
      if (!current || data.engagementId === undefined) return;
      engagementIds.set(current.callId, data.engagementId);
      void api('POST', `/calls/${current.callId}/engagement`, {
        engagementId: data.engagementId,
      }).catch((e: Error) => say(`engagement not recorded: ${e.message}`));
    },
    onCreateEngagementFailed: () => say('HubSpot could not create the call engagement'),
    onUpdateEngagementSucceeded: () => say('Call saved in HubSpot'),
    onUpdateEngagementFailed: () => say('HubSpot could not save the call'),
    onCallerIdMatchSucceeded: () => undefined,
    onCallerIdMatchFailed: () => undefined,
    onNavigateToRecordFailed: () => undefined,
    onVisibilityChanged: () => undefined,
    defaultEventHandler: () => undefined,
  } as unknown as ConstructorParameters<typeof CallingExtensions>[0]['eventHandlers'],
});

/** A token for account A used inside account B's HubSpot: say so rather than act on B's records. */
function checkPortal(): void {
  if (hostPortalId === null || sessionPortalId === null || !/^\d+$/.test(sessionPortalId)) return;
  if (String(hostPortalId) === sessionPortalId) return;
  const message = `This sign-in link is for HubSpot account ${sessionPortalId}, not ${hostPortalId}.`;
  say(message);
  cti.sendError({ message });
}

function once(callId: string, step: string, send: () => void): void {
  let steps = sent.get(callId);
  if (!steps) sent.set(callId, (steps = new Set()));
  if (steps.has(step) || !hubspotReady) return;
  steps.add(step);
  send();
}

function announcePresence(before: AgentStatus | null, after: AgentStatus | null): void {
  if (!hubspotReady || !after) return;
  const wasIn = before !== null && before.state !== 'logged-off';
  const isIn = after.state !== 'logged-off';
  if (isIn && !wasIn) cti.userLoggedIn();
  if (!isIn && wasIn) cti.userLoggedOut();
  if (!isIn || before?.state === after.state) return;
  if (after.state === 'available') cti.userAvailable();
  else if (after.state === 'paused') cti.userUnavailable();
}

function relayCall(call: CallView): void {
  const id = call.callId;
  const createEngagement = call.engagementOwner === 'hubspot';
  if (call.direction === 'OUTBOUND') {
    once(id, 'started', () =>
      cti.outgoingCall({
        externalCallId: id,
        toNumber: call.toNumber,
        ...(call.fromNumber ? { fromNumber: call.fromNumber } : {}),
        callStartTime: call.startedAt,
        createEngagement,
      }),
    );
  } else {
    once(id, 'started', () => {
      cti.incomingCall({
        externalCallId: id,
        fromNumber: call.fromNumber,
        toNumber: call.toNumber,
        callStartTime: call.startedAt,
        createEngagement,
      });
      if (call.contact && hostPortalId !== null)
        cti.navigateToRecord({
          objectCoordinates: {
            portalId: hostPortalId,
            objectId: Number(call.contact.id),
            objectTypeId: '0-1',
          },
        });
    });
  }
  if (call.state === 'connected' || (call.state === 'ended' && call.answeredAt !== null))
    once(id, 'answered', () => cti.callAnswered({ externalCallId: id }));
  if (call.state === 'ended')
    once(id, 'ended', () =>
      cti.callEnded({
        externalCallId: id,
        engagementId: engagementIds.get(id) as number,
        callEndStatus: call.endStatus ?? 'COMPLETED',
      }),
    );
}

// ---- PBX side (sidecar) ----
async function dial(phoneNumber: string, contactId?: number): Promise<void> {
  try {
    const { call } = await api<{ call: CallView }>('POST', '/calls', {
      toNumber: phoneNumber,
      ...(contactId !== undefined ? { contactId: String(contactId) } : {}),
    });
    onCall(calls.get(call.callId) ?? call);
  } catch (e) {
    say(`Could not place the call: ${(e as Error).message}`);
    cti.sendError({ message: (e as Error).message });
  }
}

async function hangup(): Promise<void> {
  if (!current) return;
  await api('POST', `/calls/${current.callId}/hangup`).catch((e: Error) => say(e.message));
}

async function saveCall(): Promise<void> {
  const call = current;
  if (!call || call.state !== 'ended') return;
  const disposition = $<HTMLSelectElement>('disposition').value;
  const notes = $<HTMLTextAreaElement>('notes').value;
  const completed: OnCallCompleted = { externalCallId: call.callId, hideWidget: false };
  if (call.engagementOwner === 'hubspot') {
    await api('POST', `/calls/${call.callId}/disposition`, { disposition }).catch((e: Error) =>
      say(e.message),
    );
    const engagementId = engagementIds.get(call.callId);
    if (engagementId !== undefined) completed.engagementId = engagementId;
    const duration =
      call.answeredAt !== null && call.endedAt !== null ? call.endedAt - call.answeredAt : 0;
    completed.engagementProperties = {
      hs_timestamp: call.startedAt,
      hs_call_title: `Call to ${call.toNumber}`,
      ...(notes ? { hs_call_body: notes } : {}),
      hs_call_direction: 'OUTBOUND',
      hs_call_status: call.endStatus ?? 'COMPLETED',
      hs_call_duration: String(duration),
      hs_call_to_number: call.toNumber,
      ...(call.fromNumber ? { hs_call_from_number: call.fromNumber } : {}),
      ...(disposition ? { hs_call_disposition: disposition } : {}),
    };
  }
  // Sidecar-owned calls: HubSpot only closes its call UI; the sidecar writes the engagement.
  once(call.callId, 'completed', () => cti.callCompleted(completed));
  $('wrapup').hidden = true;
  $('call').hidden = true;
  current = null;
}

function onCall(call: CallView): void {
  calls.set(call.callId, call);
  if (!current || current.callId === call.callId || current.state === 'ended') current = call;
  if (current.callId !== call.callId) return relayCall(call);
  relayCall(call);
  $('call').hidden = false;
  $('call-direction').textContent = call.direction === 'INBOUND' ? 'From' : 'To';
  $('call-number').textContent = call.direction === 'INBOUND' ? call.fromNumber : call.toNumber;
  const c = call.contact;
  $('call-contact').textContent = c
    ? [c.firstname, c.lastname].filter(Boolean).join(' ') || `contact ${c.id}`
    : call.direction === 'INBOUND'
      ? 'Unknown caller'
      : '';
  $('call-state').textContent = call.state === 'ended' ? `ended (${call.endStatus})` : call.state;
  $('btn-hangup').hidden = call.direction === 'INBOUND' || call.state === 'ended';
  if (call.state === 'ended') showWrapUp(call);
}

function showWrapUp(call: CallView): void {
  const select = $<HTMLSelectElement>('disposition');
  select.replaceChildren(
    ...dispositions.map((d) => {
      const o = document.createElement('option');
      o.value = d.id;
      o.textContent = d.label;
      return o;
    }),
  );
  select.parentElement!.hidden = call.engagementOwner !== 'hubspot';
  $('wrapup').hidden = false;
}

function onPresence(next: AgentStatus): void {
  const before = status;
  status = next;
  $('status').textContent = next.state + (next.pauseReason ? ` (${next.pauseReason})` : '');
  announcePresence(before, next);
}

function signedOut(reason: string): void {
  setToken(null);
  $('agent').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = reason;
}

async function start(): Promise<void> {
  if (!hasToken()) return signedOut('');
  const me = await api<{ portalId: string; agentId: string; status: AgentStatus }>(
    'GET',
    '/me',
  ).catch(() => null);
  if (!me) return signedOut('Your sign-in link is no longer valid.');
  sessionPortalId = me.portalId;
  checkPortal();
  $('agent-id').textContent = me.agentId;
  $('agent').hidden = false;
  $('signin').hidden = true;
  onPresence(me.status);
  dispositions = await api<{ dispositions: typeof dispositions }>('GET', '/dispositions')
    .then((r) => r.dispositions)
    .catch(() => []);
  void streamEvents(
    (event) => {
      switch (event.type) {
        case 'presence':
          return onPresence(event.status);
        case 'call':
          return onCall(event.call);
        case 'queue-call':
          onConsulted(event.consultedBy);
          return onQueueCall(event.queueCall);
      }
    },
    () => signedOut('Your sign-in link is no longer valid.'),
  );
}

const presence = (action: string) => () =>
  void api<{ status: AgentStatus }>('POST', '/presence', { action }).catch((e: Error) =>
    say(e.message),
  );
$('btn-login').addEventListener('click', presence('login'));
$('btn-available').addEventListener('click', presence('unpause'));
$('btn-pause').addEventListener('click', presence('pause'));
$('btn-logoff').addEventListener('click', presence('logoff'));
$('btn-hangup').addEventListener('click', () => void hangup());
$('btn-save').addEventListener('click', () => void saveCall());
$('btn-signin').addEventListener('click', () => {
  const raw = $<HTMLInputElement>('token-input').value.trim();
  const m = /token=([^&\s]+)/.exec(raw);
  setToken(m ? decodeURIComponent(m[1]!) : raw);
  void start();
});
initTransferPanel(say);
loadToken();
void start();
