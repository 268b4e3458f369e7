// JSON representations exactly as the 2010-04-01 API returns them (keys in Twilio's order,
// counts as strings, RFC 2822 dates, null where Twilio has no value yet).
import { MessageStatus } from './types.ts';
import type { StoredMessage } from './types.ts';

export const API_VERSION = '2010-04-01';

/** RFC 2822 in UTC, e.g. "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function messageUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

export function messageResource(m: StoredMessage) {
  const base = `/${API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.status === MessageStatus.accepted ? null : m.sender,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: `${base}.json`,
  };
}

export type MessageResource = ReturnType<typeof messageResource>;

export interface ListQuery {
  to?: string;
  from?: string;
  /** YYYY-MM-DD filters on date_sent: that day, on or before, on or after. */
  dateSent?: string;
  dateSentBefore?: string;
  dateSentAfter?: string;
  pageSize: number;
  page: number;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The list page; messages newest first, like Twilio. */
export function messageListPage(accountSid: string, all: StoredMessage[], q: ListQuery) {
  const filtered = all
    .filter((m) => m.accountSid === accountSid)
    .filter((m) => q.to === undefined || m.to === q.to)
    .filter((m) => q.from === undefined || m.sender === q.from)
    .filter((m) => {
      const sent = m.dateSent ?? m.dateCreated;
      if (q.dateSent !== undefined && day(sent) !== q.dateSent) return false;
      if (q.dateSentBefore !== undefined && day(sent) > q.dateSentBefore) return false;
      if (q.dateSentAfter !== undefined && day(sent) < q.dateSentAfter) return false;
      return true;
    })
    .reverse();
  const start = q.page * q.pageSize;
  const messages = filtered.slice(start, start + q.pageSize);
  const path = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const pageUri = (page: number, token?: string) => {
    const params = new URLSearchParams();
    if (q.to !== undefined) params.set('To', q.to);
    if (q.from !== undefined) params.set('From', q.from);
    if (q.dateSent !== undefined) params.set('DateSent', q.dateSent);
    if (q.dateSentBefore !== undefined) params.set('DateSent<', q.dateSentBefore);
    if (q.dateSentAfter !== undefined) params.set('DateSent>', q.dateSentAfter);
    params.set('PageSize', String(q.pageSize));
    params.set('Page', String(page));
    if (token !== undefined) params.set('PageToken', token);
    return `${path}?${params.toString()}`;
  };
  const last = messages[messages.length - 1];
  const first = messages[0];
  const hasNext = start + q.pageSize < filtered.length;
  return {
    end: messages.length === 0 ? start : start + messages.length - 1,
    first_page_uri: pageUri(0),
    messages: messages.map(messageResource),
    next_page_uri: hasNext && last ? pageUri(q.page + 1, `PA${last.sid}`) : null,
    page: q.page,
    page_size: q.pageSize,
    previous_page_uri: q.page > 0 && first ? pageUri(q.page - 1, `PB${first.sid}`) : null,
    start,
    uri: pageUri(q.page),
  };
}
