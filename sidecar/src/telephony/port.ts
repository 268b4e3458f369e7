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

export interface CallChannel {
  readonly info: ChannelInfo;
  readonly startedAt: number;
  answer(): Promise<void>;
  /** Plays media (sound:…, digits:…, number:…) and resolves when it has finished. */
  play(media: string): Promise<PlaybackOutcome>;
  hangup(): Promise<void>;
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
}
