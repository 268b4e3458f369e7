// Outbound status progression and status callbacks.
// accepted (Messaging Service) → queued → sending → sent → delivered | undelivered,
// or queued → failed. advance() moves every unfinished message one step; each change is
// POSTed, signed, to the message's StatusCallback before the next one, so callbacks for a
// message always arrive in order. Steps are serialised: a timer and a test never interleave.
import { DELIVERY_ERROR_MESSAGES } from './errors.ts';
import { API_VERSION } from './resource.ts';
import type { TwilioSandboxState } from './state.ts';
import { FINAL_STATUSES, MessageStatus } from './types.ts';
import type { CallbackRecord, StoredMessage, Transition } from './types.ts';
import { sendSignedPost, signPost } from './webhook.ts';

const PRICE_PER_SEGMENT = 0.0079;

export function nextStatus(m: StoredMessage): MessageStatus | null {
  switch (m.status) {
    case MessageStatus.accepted:
      return MessageStatus.queued;
    case MessageStatus.queued:
      return m.outcome.status === 'failed' ? MessageStatus.failed : MessageStatus.sending;
    case MessageStatus.sending:
      return MessageStatus.sent;
    case MessageStatus.sent:
      return m.outcome.status === 'undelivered'
        ? MessageStatus.undelivered
        : MessageStatus.delivered;
    case MessageStatus.delivered:
    case MessageStatus.undelivered:
    case MessageStatus.failed:
    case MessageStatus.received:
      return null;
  }
}

export class DeliveryEngine {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly state: TwilioSandboxState,
    private readonly webhookTimeoutMs: number,
  ) {}

  /** One step for every unfinished outbound message (or only `sid`); resolves after callbacks. */
  advance(sid?: string): Promise<Transition[]> {
    const run = this.chain.then(() => this.step(sid));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Advance until every outbound message is final. */
  async drain(sid?: string): Promise<Transition[]> {
    const all: Transition[] = [];
    for (;;) {
      const moved = await this.advance(sid);
      if (moved.length === 0) return all;
      all.push(...moved);
    }
  }

  startAuto(intervalMs: number): void {
    this.stopAuto();
    this.timer = setInterval(() => void this.advance(), intervalMs);
    this.timer.unref();
  }

  stopAuto(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async step(sid: string | undefined): Promise<Transition[]> {
    const pending = [...this.state.messages.values()].filter(
      (m) => !FINAL_STATUSES.has(m.status) && (sid === undefined || m.sid === sid),
    );
    const transitions: Transition[] = [];
    for (const message of pending) {
      const to = nextStatus(message);
      if (to === null) continue;
      const transition: Transition = { sid: message.sid, from: message.status, to };
      this.apply(message, to);
      transitions.push(transition);
      this.state.events.emit('status', transition, message);
      await this.callback(message);
    }
    return transitions;
  }

  private apply(m: StoredMessage, to: MessageStatus): void {
    const now = this.state.clock();
    m.status = to;
    m.dateUpdated = now;
    if (to === MessageStatus.sent) {
      m.dateSent = now;
      m.price = (-PRICE_PER_SEGMENT * m.numSegments).toFixed(5);
    }
    if (
      (to === MessageStatus.failed || to === MessageStatus.undelivered) &&
      m.outcome.status !== 'delivered'
    ) {
      m.errorCode = m.outcome.errorCode;
      m.errorMessage = DELIVERY_ERROR_MESSAGES[m.outcome.errorCode] ?? null;
    }
  }

  private async callback(m: StoredMessage): Promise<void> {
    if (m.statusCallback === null) return;
    const account = this.state.accounts.get(m.accountSid);
    if (!account) return;
    const params: Record<string, string> = {
      AccountSid: m.accountSid,
      ApiVersion: API_VERSION,
      From: m.sender,
      MessageSid: m.sid,
      MessageStatus: m.status,
      SmsSid: m.sid,
      SmsStatus: m.status,
      To: m.to,
    };
    if (m.messagingServiceSid !== null) params.MessagingServiceSid = m.messagingServiceSid;
    if (m.errorCode !== null) params.ErrorCode = String(m.errorCode);
    const post = signPost(account.authToken, m.statusCallback, params);
    const result = await sendSignedPost(post, this.webhookTimeoutMs);
    const record: CallbackRecord = {
      ...post,
      ...result,
      messageSid: m.sid,
      messageStatus: m.status,
      at: this.state.clock(),
    };
    this.state.callbacks.push(record);
    this.state.events.emit('callback', record);
  }
}
