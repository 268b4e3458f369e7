// Two channels talking in one mixing bridge until either hangs up; then the other is hung up
// and the bridge destroyed, so no leg and no bridge is left behind (Q6) — also when one side
// vanished before it could join.
import type { CallChannel } from '../../telephony/port.ts';
import type { BridgeHandle } from '../../telephony/bridges.ts';

export async function talkUntilEnd(
  bridge: BridgeHandle,
  a: CallChannel,
  b: CallChannel,
): Promise<void> {
  try {
    await bridge.add([a.info.id, b.info.id]);
    await Promise.race([a.ended, b.ended]);
  } finally {
    await Promise.all([a.hangup().catch(() => undefined), b.hangup().catch(() => undefined)]);
    await bridge.destroy().catch(() => undefined);
  }
}
