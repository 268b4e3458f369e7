// What the call logic needs from a PBX. The ARI adapter implements it; flows never see ari-client.
export interface ChannelInfo {
  id: string;
  callerNumber: string;
  callerName: string;
  /** Stasis() arguments, e.g. ['inbound', '0577235501']. */
  args: readonly string[];
  state: string;
}

export type PlaybackOutcome = 'done' | 'failed';

export interface CallEnd {
  at: number;
  /** Q.850 cause text of whoever hung up first, e.g. 'Normal Clearing'. */
  cause: string;
  by: 'caller' | 'us' | 'lost';
}

/** Thrown into a running call step when the caller has hung up. */
export class CallEndedError extends Error {
  constructor() {
    super('call ended');
    this.name = 'CallEndedError';
  }
}

export interface DigitOptions {
  /** Stop after this many digits. */
  max: number;
  /** Give up when no first digit arrives within this time. */
  firstDigitMs: number;
  /** Give up when the next digit does not arrive within this time (default firstDigitMs). */
  interDigitMs?: number;
  /** A digit that ends the input and is not part of it, e.g. '#'. */
  terminator?: string;
}

/** The far end did not answer an originated call (or it failed before answering). */
export class OriginateFailedError extends Error {
  constructor(readonly reason: string) {
    super(`originate failed: ${reason}`);
    this.name = 'OriginateFailedError';
  }
}

export interface OriginateRequest {
  /** Our id for the new channel (default: a fresh UUID): lets the caller hang it up while it rings. */
  channelId?: string;
  /** Dial string, e.g. 'PJSIP/agent101' or 'Local/+39055123@campaign-dial'. */
  endpoint: string;
  callerId?: string;
  /** The channel this call is placed for: the new channel takes its formats and linked id. */
  originator?: string;
  /** Seconds to ring before giving up. */
  timeoutSec: number;
  /** Extra Stasis arguments after 'outbound'. */
  args?: readonly string[];
  variables?: Record<string, string>;
}

export interface CallChannel {
  readonly info: ChannelInfo;
  readonly startedAt: number;
  answer(): Promise<void>;
  /**
   * Plays media (sound:…, digits:…, number:…) and resolves when it has finished. With
   * `stopOnDigit` a key press stops it (barge-in), and a key typed ahead skips it.
   */
  play(media: string, opts?: { stopOnDigit?: boolean }): Promise<PlaybackOutcome>;
  hangup(): Promise<void>;
  /**
   * Reads keypad digits. Digits typed earlier (e.g. during a prompt) are kept and count first;
   * resolves with what was typed (possibly '') when `max` is reached, the terminator is typed or
   * a timeout passes.
   */
  collectDigits(opts: DigitOptions): Promise<string>;
  /** Forgets digits typed so far (before a fresh question). */
  clearDigits(): void;
  /** Resolves once the channel has left the application. */
  readonly ended: Promise<CallEnd>;
  isEnded(): boolean;
}

export interface TelephonyStatus {
  connected: boolean;
  reconnects: number;
  activeCalls: number;
}

export interface Telephony {
  /** Starts connecting (and keeps reconnecting); `onCall` runs for every new inbound channel. */
  start(onCall: (call: CallChannel) => void): void;
  stop(): Promise<void>;
  status(): TelephonyStatus;
  /** Refuses new calls (hangs them up with a message) while existing ones finish. */
  stopAccepting(): void;
  /** Resolves when no call is active. */
  idle(): Promise<void>;
  /**
   * Places a call into our application; resolves with its channel once answered, rejects with
   * OriginateFailedError when it is not answered (busy, no answer, congestion).
   */
  originate(req: OriginateRequest): Promise<CallChannel>;
}
