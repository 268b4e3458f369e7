// In-memory state of the Twilio sandbox: accounts and their numbers, messages, webhook records,
// opt-outs, carrier outcomes, faults and rate-limit windows. Time comes from the injected clock.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { SandboxError } from './errors.ts';
import { isE164 } from './phone.ts';
import type {
  CallbackRecord,
  DeliveryOutcome,
  Faults,
  InboundRecord,
  IncomingNumber,
  RateLimit,
  SandboxAccount,
  StoredMessage,
  Transition,
} from './types.ts';

export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = { limit: 1000, windowMs: 1000 };

export function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

export function noFaults(): Faults {
  return { latencyMs: 0, status5xx: null, remaining: null, outage: false };
}

export interface AccountSeed {
  sid?: string;
  authToken?: string;
  friendlyName?: string;
  messagingServiceSid?: string;
  /** Numbers to own; one is allocated when omitted. */
  phoneNumbers?: string[];
}

export interface AccountInfo {
  sid: string;
  authToken: string;
  friendlyName: string;
  messagingServiceSid: string;
  phoneNumbers: string[];
}

export interface SandboxEvents {
  message: [StoredMessage];
  status: [Transition, StoredMessage];
  callback: [CallbackRecord];
  inbound: [InboundRecord];
}

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;

export class TwilioSandboxState {
  readonly accounts = new Map<string, SandboxAccount>();
  /** Insertion order = creation order. */
  readonly messages = new Map<string, StoredMessage>();
  readonly callbacks: CallbackRecord[] = [];
  readonly inbound: InboundRecord[] = [];
  /** `${twilioNumber}|${recipient}` pairs where the recipient replied STOP. */
  readonly blocklist = new Set<string>();
  readonly outcomes = new Map<string, DeliveryOutcome>();
  readonly rateWindows = new Map<string, { start: number; count: number }>();
  readonly events = new EventEmitter<SandboxEvents>();
  faults: Faults = noFaults();
  rateLimit: RateLimit = { ...DEFAULT_RATE_LIMIT };
  private nextNumber = 100;

  constructor(readonly clock: () => number) {}

  createAccount(seed: AccountSeed = {}): AccountInfo {
    const sid = seed.sid ?? newSid('AC');
    if (!ACCOUNT_SID.test(sid)) throw new SandboxError(`account sid must match ${ACCOUNT_SID}`);
    if (this.accounts.has(sid)) throw new SandboxError(`account ${sid} already exists`, 409);
    const account: SandboxAccount = {
      sid,
      authToken: seed.authToken ?? randomBytes(16).toString('hex'),
      friendlyName: seed.friendlyName ?? `Sandbox ${sid.slice(-6)}`,
      messagingServiceSid: seed.messagingServiceSid ?? newSid('MG'),
      numbers: new Map(),
    };
    this.accounts.set(sid, account);
    const numbers = seed.phoneNumbers ?? [undefined];
    for (const n of numbers) this.addNumber(sid, n);
    return this.accountInfo(account);
  }

  accountInfo(account: SandboxAccount): AccountInfo {
    return {
      sid: account.sid,
      authToken: account.authToken,
      friendlyName: account.friendlyName,
      messagingServiceSid: account.messagingServiceSid,
      phoneNumbers: [...account.numbers.keys()],
    };
  }

  requireAccount(sid: string): SandboxAccount {
    const account = this.accounts.get(sid);
    if (!account) throw new SandboxError(`unknown account ${sid}`, 404);
    return account;
  }

  addNumber(accountSid: string, phoneNumber?: string, smsUrl?: string | null): IncomingNumber {
    const account = this.requireAccount(accountSid);
    const number = phoneNumber ?? this.allocateNumber();
    if (!isE164(number)) throw new SandboxError(`${number} is not an E.164 number`);
    if (this.findNumber(number)) throw new SandboxError(`${number} is already owned`, 409);
    const incoming: IncomingNumber = {
      sid: newSid('PN'),
      phoneNumber: number,
      smsUrl: smsUrl ? normaliseUrl(smsUrl) : null,
    };
    account.numbers.set(number, incoming);
    return incoming;
  }

  findNumber(phoneNumber: string): { account: SandboxAccount; number: IncomingNumber } | undefined {
    for (const account of this.accounts.values()) {
      const number = account.numbers.get(phoneNumber);
      if (number) return { account, number };
    }
    return undefined;
  }

  setIncomingWebhook(accountSid: string, phoneNumber: string, url: string | null): IncomingNumber {
    const number = this.requireAccount(accountSid).numbers.get(phoneNumber);
    if (!number) throw new SandboxError(`${phoneNumber} is not a number of ${accountSid}`, 404);
    number.smsUrl = url === null ? null : normaliseUrl(url);
    return number;
  }

  isBlocked(sender: string, recipient: string): boolean {
    return this.blocklist.has(`${sender}|${recipient}`);
  }

  setBlocked(sender: string, recipient: string, blocked: boolean): void {
    if (blocked) this.blocklist.add(`${sender}|${recipient}`);
    else this.blocklist.delete(`${sender}|${recipient}`);
  }

  outcomeFor(to: string): DeliveryOutcome {
    return this.outcomes.get(to) ?? { status: 'delivered' };
  }

  addMessage(message: StoredMessage): StoredMessage {
    this.messages.set(message.sid, message);
    this.events.emit('message', message);
    return message;
  }

  /** Fixed window per account on the injected clock; false when the request must get 429. */
  takeRateToken(accountSid: string): boolean {
    const now = this.clock();
    const window = this.rateWindows.get(accountSid);
    if (!window || now - window.start >= this.rateLimit.windowMs) {
      this.rateWindows.set(accountSid, { start: now, count: 1 });
      return this.rateLimit.limit >= 1;
    }
    window.count += 1;
    return window.count <= this.rateLimit.limit;
  }

  /** Forget everything: accounts, messages, records, opt-outs, outcomes, faults, limits. */
  reset(): void {
    this.accounts.clear();
    this.messages.clear();
    this.callbacks.length = 0;
    this.inbound.length = 0;
    this.blocklist.clear();
    this.outcomes.clear();
    this.rateWindows.clear();
    this.faults = noFaults();
    this.rateLimit = { ...DEFAULT_RATE_LIMIT };
    this.nextNumber = 100;
  }

  private allocateNumber(): string {
    for (;;) {
      const candidate = `+1415555${String(this.nextNumber++).padStart(4, '0')}`;
      if (!this.findNumber(candidate)) return candidate;
    }
  }
}

/** Stores the URL the way the helper library's validateRequest re-serialises it. */
export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SandboxError(`${url} is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SandboxError(`${url} must be http(s)`);
  }
  return parsed.toString();
}
