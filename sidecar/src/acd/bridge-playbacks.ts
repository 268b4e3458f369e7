// Playbacks into bridges that are awaited to their end: one client-level PlaybackFinished
// listener (AriTelephony.onEvent, kept across reconnects) settles waiters by playback id.
// AriTelephony's own dispatch only routes channel playbacks to their CallSession.
import type { Client } from 'ari-client';
import type { Logger } from '../ports.ts';

interface PlaybackEvent {
  playback?: { id?: string };
}

export class BridgePlaybacks {
  private readonly finished = new Map<string, () => void>();

  constructor(
    private readonly ari: {
      client(): Client;
      onEvent(type: string, listener: (event: unknown) => void): () => void;
    },
    private readonly log: Logger,
  ) {
    ari.onEvent('PlaybackFinished', (e) => {
      const id = (e as PlaybackEvent).playback?.id;
      if (id === undefined) return;
      const settle = this.finished.get(id);
      this.finished.delete(id);
      settle?.();
    });
  }

  async playToEnd(
    bridgeId: string,
    media: readonly string[],
    playbackId: string,
    stop: AbortSignal,
  ): Promise<void> {
    // Registered before the request: PlaybackFinished can arrive before the HTTP answer.
    const finished = new Promise<void>((resolve) => this.finished.set(playbackId, resolve));
    const stopped = new Promise<void>((resolve) => {
      if (stop.aborted) resolve();
      else stop.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await this.ari.client().bridges.play({ bridgeId, media: [...media], playbackId });
      await Promise.race([finished, stopped]);
    } finally {
      this.finished.delete(playbackId);
    }
    // Also after an abort that came while the request was under way (a stop sent then would
    // have found no playback yet).
    if (stop.aborted) await this.stop(playbackId);
  }

  async stop(playbackId: string): Promise<void> {
    await this.ari
      .client()
      .playbacks.stop({ playbackId })
      .catch((err: unknown) => this.log.debug({ err, playbackId }, 'playback already over'));
  }
}
