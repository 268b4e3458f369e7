// CallMedia over ARI: recordings (waiting for RecordingFinished/Failed by name), channel
// variables, holding and mixing bridges, originate.
import { randomUUID } from 'node:crypto';
import type { AriTelephony } from '../telephony/ari-telephony.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import type { CallChannel, OriginateRequest } from '../telephony/port.ts';
import type { CallMedia, RecordRequest, RecordResult } from './media-port.ts';

interface RecordingEvent {
  recording?: { name: string; duration?: number };
}

export class AriCallMedia implements CallMedia {
  private readonly waiters = new Map<string, (r: RecordResult) => void>();

  constructor(private readonly telephony: AriTelephony) {
    const settle = (ok: boolean) => (e: unknown) => {
      const rec = (e as RecordingEvent).recording;
      if (!rec) return;
      const waiter = this.waiters.get(rec.name);
      this.waiters.delete(rec.name);
      waiter?.({ name: rec.name, ok, durationSec: rec.duration ?? null });
    };
    telephony.onEvent('RecordingFinished', settle(true));
    telephony.onEvent('RecordingFailed', settle(false));
  }

  record(channelId: string, req: RecordRequest): Promise<RecordResult> {
    // Registered before the request: the event can arrive before the HTTP answer.
    const done = new Promise<RecordResult>((resolve) => this.waiters.set(req.name, resolve));
    return this.telephony
      .client()
      .channels.record({
        channelId,
        name: req.name,
        format: 'wav',
        maxDurationSeconds: req.maxSeconds,
        maxSilenceSeconds: 0,
        beep: req.beep,
        terminateOn: req.terminateOn,
        ifExists: 'overwrite',
      })
      .then(
        () => done,
        (err: unknown) => {
          this.waiters.delete(req.name);
          throw err;
        },
      );
  }

  async channelVar(channelId: string, name: string): Promise<string | null> {
    try {
      const v = await this.telephony.client().channels.getChannelVar({ channelId, variable: name });
      return v.value === '' ? null : v.value;
    } catch {
      return null;
    }
  }

  async holdingBridge(): Promise<BridgeHandle> {
    const client = () => this.telephony.client();
    const bridgeId = randomUUID();
    await client().bridges.create({ type: 'holding', bridgeId, name: 'park' });
    const gone = (err: unknown) => /not found|404/i.test(String(err));
    return {
      id: bridgeId,
      async add(ids) {
        await client().bridges.addChannel({ bridgeId, channel: [...ids] });
      },
      async remove(ids) {
        await client()
          .bridges.removeChannel({ bridgeId, channel: [...ids] })
          .catch((e: unknown) => {
            if (!gone(e)) throw e;
          });
      },
      async startMoh(mohClass) {
        await client().bridges.startMoh({ bridgeId, ...(mohClass ? { mohClass } : {}) });
      },
      async stopMoh() {
        await client()
          .bridges.stopMoh({ bridgeId })
          .catch((e: unknown) => {
            if (!gone(e)) throw e;
          });
      },
      async channels() {
        return [...(await client().bridges.get({ bridgeId })).channels];
      },
      async destroy() {
        await client()
          .bridges.destroy({ bridgeId })
          .catch((e: unknown) => {
            if (!gone(e)) throw e;
          });
      },
    };
  }

  bridge(): Promise<BridgeHandle> {
    return this.telephony.bridge('routing');
  }

  originate(req: OriginateRequest): Promise<CallChannel> {
    return this.telephony.originate(req);
  }
}
