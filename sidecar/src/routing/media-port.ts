// The PBX operations routing needs beyond the CallChannel: recording, channel variables,
// bridges and originate. Implemented over ARI in ari-media.ts.
import type { BridgeHandle } from '../telephony/bridges.ts';
import type { CallChannel, OriginateRequest } from '../telephony/port.ts';

export interface RecordRequest {
  /** Stored recording name (unique). */
  name: string;
  maxSeconds: number;
  beep: boolean;
  /** Key that ends the recording, e.g. '#'. */
  terminateOn: string;
}

export interface RecordResult {
  name: string;
  ok: boolean;
  durationSec: number | null;
}

export interface CallMedia {
  /** Records the channel; resolves when the recording has finished (key, silence, max, hang-up). */
  record(channelId: string, req: RecordRequest): Promise<RecordResult>;
  channelVar(channelId: string, name: string): Promise<string | null>;
  /** A holding bridge with music on hold (parking). */
  holdingBridge(): Promise<BridgeHandle>;
  bridge(): Promise<BridgeHandle>;
  originate(req: OriginateRequest): Promise<CallChannel>;
}
