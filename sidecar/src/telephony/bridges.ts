// Mixing bridges over ARI: what queues (agent legs), click-to-call, transfers and parking need
// to connect two channels. Like AriRest, it resolves the current ari-client on every request,
// so a bridge handle survives a WebSocket reconnect.
import { randomUUID } from 'node:crypto';
import type { Client } from 'ari-client';

export interface BridgeHandle {
  readonly id: string;
  add(channelIds: readonly string[]): Promise<void>;
  remove(channelIds: readonly string[]): Promise<void>;
  /** Starts music on hold for whoever is alone in the bridge. */
  startMoh(mohClass?: string): Promise<void>;
  stopMoh(): Promise<void>;
  /** Channel ids currently in the bridge, as Asterisk reports them. */
  channels(): Promise<string[]>;
  destroy(): Promise<void>;
}

function isNotFound(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /not found|404/i.test(msg);
}

export function createBridge(client: () => Client, name = 'centralino'): Promise<BridgeHandle> {
  const bridgeId = randomUUID();
  const handle: BridgeHandle = {
    id: bridgeId,
    async add(channelIds) {
      await client().bridges.addChannel({ bridgeId, channel: [...channelIds] });
    },
    async remove(channelIds) {
      try {
        await client().bridges.removeChannel({ bridgeId, channel: [...channelIds] });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async startMoh(mohClass) {
      await client().bridges.startMoh({ bridgeId, ...(mohClass ? { mohClass } : {}) });
    },
    async stopMoh() {
      try {
        await client().bridges.stopMoh({ bridgeId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async channels() {
      const b = await client().bridges.get({ bridgeId });
      return [...b.channels];
    },
    async destroy() {
      try {
        await client().bridges.destroy({ bridgeId });
      } catch (err) {
        // Already gone (Asterisk restarted, or destroyed by the other side of a transfer).
        if (!isNotFound(err)) throw err;
      }
    },
  };
  return client()
    .bridges.create({ type: 'mixing', bridgeId, name })
    .then(() => handle);
}
