// Creating an outbound message: Twilio's validation rules, in Twilio's order, then the stored
// message. Used by POST …/Messages.json and by TwiML <Message> replies to inbound messages.
import { Errors } from './errors.ts';
import { isE164 } from './phone.ts';
import { countSegments } from './segments.ts';
import { newSid } from './state.ts';
import type { TwilioSandboxState } from './state.ts';
import { MessageDirection, MessageStatus } from './types.ts';
import type { SandboxAccount, StoredMessage } from './types.ts';

export const MAX_BODY_CHARS = 1600;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

export interface OutboundInput {
  to?: string | undefined;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  body?: string | undefined;
  mediaUrls?: string[] | undefined;
  statusCallback?: string | undefined;
  direction?: MessageDirection;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Throws TwilioApiError exactly where Twilio answers 400; returns the stored message. */
export function createOutbound(
  state: TwilioSandboxState,
  account: SandboxAccount,
  input: OutboundInput,
): StoredMessage {
  const to = input.to ?? '';
  const from = input.from ?? '';
  const serviceSid = input.messagingServiceSid ?? '';
  const body = input.body ?? '';
  const mediaUrls = input.mediaUrls ?? [];

  if (to === '') throw Errors.toRequired();
  if (from === '' && serviceSid === '') throw Errors.fromRequired();
  if (body === '' && mediaUrls.length === 0) throw Errors.bodyRequired();
  if (!isE164(to)) throw Errors.invalidTo(to);

  let sender = from;
  if (serviceSid !== '') {
    if (!SERVICE_SID.test(serviceSid)) throw Errors.serviceInvalid();
    if (serviceSid !== account.messagingServiceSid) throw Errors.serviceNotFound();
    if (sender === '') {
      const first = account.numbers.keys().next();
      if (first.done === true) throw Errors.serviceNoNumbers();
      sender = first.value;
    }
  }
  if (!isE164(sender)) throw Errors.invalidFrom(sender);
  if (!account.numbers.has(sender)) throw Errors.fromNotOwned(sender);
  if (sender === to) throw Errors.sameToFrom();
  if ([...body].length > MAX_BODY_CHARS) throw Errors.bodyTooLong();
  if (!mediaUrls.every(isHttpUrl)) throw Errors.invalidMediaUrl();
  if (input.statusCallback !== undefined && !isHttpUrl(input.statusCallback)) {
    throw Errors.invalidStatusCallback();
  }
  if (state.isBlocked(sender, to)) throw Errors.unsubscribed();

  const now = state.clock();
  return state.addMessage({
    sid: newSid('SM'),
    accountSid: account.sid,
    messagingServiceSid: serviceSid === '' ? null : serviceSid,
    to,
    sender,
    body,
    mediaUrls,
    status: serviceSid === '' ? MessageStatus.queued : MessageStatus.accepted,
    direction: input.direction ?? MessageDirection.outboundApi,
    numSegments: countSegments(body).segments,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
    errorCode: null,
    errorMessage: null,
    price: null,
    statusCallback: input.statusCallback ?? null,
    outcome: state.outcomeFor(to),
  });
}
