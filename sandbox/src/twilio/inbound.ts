// Inbound SMS: what Twilio does when a handset texts one of the account's numbers.
// Advanced Opt-Out keywords are applied first (STOP blocks the pair, START unblocks it), then the
// number's incoming-message webhook gets Twilio's signed form POST; its TwiML <Message> replies
// are sent back to the handset as outbound-reply messages (subject to the same rules, e.g. 21610).
import { SandboxError, TwilioApiError } from './errors.ts';
import { createOutbound } from './outbound.ts';
import { countryOf, isE164 } from './phone.ts';
import { API_VERSION } from './resource.ts';
import { countSegments } from './segments.ts';
import { newSid } from './state.ts';
import type { TwilioSandboxState } from './state.ts';
import { MessageDirection, MessageStatus } from './types.ts';
import type { InboundRecord, InboundReply, OptOutType } from './types.ts';
import { sendSignedPost, signPost } from './webhook.ts';

// Twilio's default keywords (OPTOUT and REVOKE were added to the opt-out list in 2025).
const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
]);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export const AUTO_REPLIES: Readonly<Record<OptOutType, string>> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START:
    'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

export function optOutTypeOf(body: string): OptOutType | null {
  const keyword = body.trim().toUpperCase();
  if (OPT_OUT.has(keyword)) return 'STOP';
  if (OPT_IN.has(keyword)) return 'START';
  if (HELP.has(keyword)) return 'HELP';
  return null;
}

export interface InboundMedia {
  url: string;
  contentType: string;
}

export interface InboundInput {
  from: string;
  to: string;
  body?: string;
  media?: InboundMedia[];
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Bodies of the <Message> verbs, [] for an empty answer, null when it is not TwiML. */
export function parseTwimlMessages(xml: string): string[] | null {
  const text = xml.trim();
  if (text === '') return [];
  const doc = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (/^<Response\s*\/>$/.test(doc)) return [];
  const root = /^<Response(?:\s[^>]*)?>([\s\S]*)<\/Response>$/.exec(doc);
  if (!root) return null;
  const bodies: string[] = [];
  for (const m of (root[1] ?? '').matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)) {
    const inner = m[1] ?? '';
    const nested = /<Body>([\s\S]*?)<\/Body>/.exec(inner);
    bodies.push(decodeXml(nested ? (nested[1] ?? '') : inner).trim());
  }
  return bodies;
}

export async function simulateInbound(
  state: TwilioSandboxState,
  input: InboundInput,
  webhookTimeoutMs: number,
): Promise<InboundRecord> {
  const body = input.body ?? '';
  const media = input.media ?? [];
  if (!isE164(input.from)) throw new SandboxError(`from ${input.from} is not an E.164 number`);
  const owner = state.findNumber(input.to);
  if (!owner) throw new SandboxError(`${input.to} is not a number of any sandbox account`, 404);
  const { account, number } = owner;
  const now = state.clock();
  const message = state.addMessage({
    sid: newSid(media.length > 0 ? 'MM' : 'SM'),
    accountSid: account.sid,
    messagingServiceSid: account.messagingServiceSid,
    to: input.to,
    sender: input.from,
    body,
    mediaUrls: media.map((m) => m.url),
    status: MessageStatus.received,
    direction: MessageDirection.inbound,
    numSegments: countSegments(body).segments,
    dateCreated: now,
    dateUpdated: now,
    dateSent: now,
    errorCode: null,
    errorMessage: null,
    price: null,
    statusCallback: null,
    outcome: { status: 'delivered' },
  });

  const optOutType = optOutTypeOf(body);
  if (optOutType === 'STOP') state.setBlocked(input.to, input.from, true);
  if (optOutType === 'START') state.setBlocked(input.to, input.from, false);

  const params: Record<string, string> = {
    AccountSid: account.sid,
    ApiVersion: API_VERSION,
    Body: body,
    From: input.from,
    FromCity: '',
    FromCountry: countryOf(input.from),
    FromState: '',
    FromZip: '',
    MessageSid: message.sid,
    MessagingServiceSid: account.messagingServiceSid,
    NumMedia: String(media.length),
    NumSegments: String(message.numSegments),
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: MessageStatus.received,
    To: input.to,
    ToCity: '',
    ToCountry: countryOf(input.to),
    ToState: '',
    ToZip: '',
  };
  media.forEach((m, i) => {
    params[`MediaUrl${i}`] = m.url;
    params[`MediaContentType${i}`] = m.contentType;
  });
  if (optOutType !== null) params.OptOutType = optOutType;

  const record: InboundRecord = {
    messageSid: message.sid,
    accountSid: account.sid,
    from: input.from,
    to: input.to,
    body,
    optOutType,
    autoReply: optOutType === null ? null : AUTO_REPLIES[optOutType],
    webhookUrl: number.smsUrl,
    params,
    signature: null,
    response: null,
    errorCode: null,
    replies: [],
    at: now,
  };

  if (number.smsUrl !== null) {
    const post = signPost(account.authToken, number.smsUrl, params);
    record.signature = post.signature;
    record.response = await sendSignedPost(post, webhookTimeoutMs);
    const { status, body: twiml } = record.response;
    if (status === null) record.errorCode = 11205;
    else if (status < 200 || status > 299) record.errorCode = 11200;
    else {
      const bodies = parseTwimlMessages(twiml ?? '');
      if (bodies === null) record.errorCode = 12100;
      else record.replies = bodies.map((text) => reply(state, account.sid, input, text));
    }
  }
  state.inbound.push(record);
  state.events.emit('inbound', record);
  return record;
}

function reply(
  state: TwilioSandboxState,
  accountSid: string,
  input: InboundInput,
  text: string,
): InboundReply {
  const account = state.requireAccount(accountSid);
  try {
    const sent = createOutbound(state, account, {
      to: input.from,
      from: input.to,
      body: text,
      direction: MessageDirection.outboundReply,
    });
    return { body: text, sid: sent.sid, errorCode: null };
  } catch (err: unknown) {
    if (err instanceof TwilioApiError) return { body: text, sid: null, errorCode: err.code };
    throw err;
  }
}
