// The handful of ARI operations the sidecar uses, over whichever ari-client connection is
// current. A call outlives a WebSocket reconnect, so it must never hold a client itself.
import type { Client } from 'ari-client';

export interface AriRest {
  answer(channelId: string): Promise<void>;
  play(channelId: string, playbackId: string, media: string): Promise<void>;
  hangup(channelId: string): Promise<void>;
  /** Stops a playback; already finished is fine. */
  stopPlayback(playbackId: string): Promise<void>;
  /** False when the playback is gone (finished while we were not listening). */
  playbackExists(playbackId: string): Promise<boolean>;
  originate(req: {
    channelId: string;
    endpoint: string;
    app: string;
    appArgs: string;
    callerId?: string;
    originator?: string;
    timeoutSec: number;
    variables?: Record<string, string>;
  }): Promise<void>;
  /** Channel ids Asterisk still has in our application. */
  channelsInApp(app: string): Promise<string[]>;
}

export class NotConnectedError extends Error {
  constructor() {
    super('ARI is not connected');
    this.name = 'NotConnectedError';
  }
}

function isNotFound(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /not found|404/i.test(msg);
}

export function ariRestOver(current: () => Client | undefined): AriRest {
  const client = (): Client => {
    const c = current();
    if (!c) throw new NotConnectedError();
    return c;
  };
  return {
    async answer(channelId) {
      await client().channels.answer({ channelId });
    },
    async play(channelId, playbackId, media) {
      await client().channels.play({ channelId, media, playbackId });
    },
    async hangup(channelId) {
      try {
        await client().channels.hangup({ channelId });
      } catch (err) {
        // Already gone: the caller hung up first. That is the outcome we wanted.
        if (!isNotFound(err)) throw err;
      }
    },
    async playbackExists(playbackId) {
      try {
        await client().playbacks.get({ playbackId });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async stopPlayback(playbackId) {
      try {
        await client().playbacks.stop({ playbackId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async originate(req) {
      await client().channels.originate({
        endpoint: req.endpoint,
        app: req.app,
        appArgs: req.appArgs,
        channelId: req.channelId,
        timeout: req.timeoutSec,
        ...(req.callerId !== undefined ? { callerId: req.callerId } : {}),
        ...(req.originator !== undefined ? { originator: req.originator } : {}),
        ...(req.variables ? { variables: req.variables } : {}),
      });
    },
    async channelsInApp(app) {
      const application = await client().applications.get({ applicationName: app });
      return ([] as string[]).concat(application.channel_ids);
    },
  };
}
