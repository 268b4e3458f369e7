// Parked calls in memory, per account and slot (A5). The parked call's flow waits here until
// someone dialling the slot picks it up, or the timeout passes.
import type { CallChannel } from '../telephony/port.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';

export interface ParkedCall {
  slot: number;
  call: CallChannel;
  holding: BridgeHandle;
  /** Called by the picker once it has taken the call out of the holding bridge. */
  pickedUp(by: CallChannel): void;
}

export class ParkingLot {
  private readonly parked = new Map<string, ParkedCall>();

  /** The lowest free slot in [from, to], or null when the lot is full. */
  freeSlot(portalId: string, from: number, to: number): number | null {
    for (let s = from; s <= to; s++) if (!this.parked.has(`${portalId}|${s}`)) return s;
    return null;
  }

  park(portalId: string, entry: ParkedCall): void {
    this.parked.set(`${portalId}|${entry.slot}`, entry);
  }

  /** Takes the call out of the slot (pick-up); null when the slot is empty. */
  take(portalId: string, slot: number): ParkedCall | null {
    const key = `${portalId}|${slot}`;
    const entry = this.parked.get(key);
    if (!entry) return null;
    this.parked.delete(key);
    return entry;
  }

  /** Frees a slot if it still holds this call (timeout, hang-up). */
  release(portalId: string, entry: ParkedCall): boolean {
    const key = `${portalId}|${entry.slot}`;
    if (this.parked.get(key) !== entry) return false;
    this.parked.delete(key);
    return true;
  }
}
