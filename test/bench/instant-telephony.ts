// A Telephony whose every call is answered at once and whose media "plays" in no time: the
// campaign bench runs the dialer on it to measure the scheduler's own CPU per contact, apart
// from the ARI and call handling a real call adds (measured by the real-call run beside it).
import { randomUUID } from 'node:crypto';
import type { Client } from 'ari-client';
import type {
  CallChannel,
  CallEnd,
  OriginateRequest,
  Telephony,
  TelephonyStatus,
} from '../../sidecar/src/telephony/port.ts';

class InstantChannel implements CallChannel {
  readonly startedAt = Date.now();
  private done = false;
  private finish: (end: CallEnd) => void = () => undefined;
  readonly ended = new Promise<CallEnd>((resolve) => (this.finish = resolve));
  constructor(readonly info: CallChannel['info']) {}
  answer(): Promise<void> {
    return Promise.resolve();
  }
  play(): Promise<'done'> {
    return new Promise((resolve) => setImmediate(() => resolve('done')));
  }
  collectDigits(): Promise<string> {
    return Promise.resolve('');
  }
  clearDigits(): void {}
  hangup(): Promise<void> {
    if (!this.done) {
      this.done = true;
      this.finish({ at: Date.now(), cause: 'Normal Clearing', by: 'us' });
    }
    return Promise.resolve();
  }
  isEnded(): boolean {
    return this.done;
  }
}

export class InstantTelephony implements Telephony {
  start(): void {}
  stop(): Promise<void> {
    return Promise.resolve();
  }
  status(): TelephonyStatus {
    return { connected: true, reconnects: 0, activeCalls: 0 };
  }
  stopAccepting(): void {}
  idle(): Promise<void> {
    return Promise.resolve();
  }
  originate(req: OriginateRequest): Promise<CallChannel> {
    const id = req.channelId ?? randomUUID();
    return Promise.resolve(
      new InstantChannel({ id, callerNumber: '', callerName: '', args: [], state: 'Up' }),
    );
  }
  /** Only the AMD check would use it; the bench campaign has AMD off. */
  client(): Client {
    throw new Error('no ARI client in the instant telephony');
  }
}
