// Call parking (A5): the call dialled to the park number hears its slot, waits in a holding
// bridge with music on hold, and is picked up by whoever dials the slot. Nobody within the
// timeout → it rings back the parker (the channel that transferred it) or takes the
// onTimeout branch (e.g. the operator queue).
import type { Logger } from '../../ports.ts';
import type { CallChannel } from '../../telephony/port.ts';
import type { FlowNode } from '../flow-schema.ts';
import { branch, type FlowContext, type FlowStep } from '../context.ts';
import type { CallMedia } from '../media-port.ts';
import type { ParkingLot, ParkedCall } from '../parking-lot.ts';
import { talkUntilEnd } from './bridged.ts';

type ParkNode = Extract<FlowNode, { type: 'park' }>;
type PickupNode = Extract<FlowNode, { type: 'pickup' }>;

/** "PJSIP/101-0000002a" → "PJSIP/101"; "Local/x@ctx-00000003;1" → "Local/x@ctx". */
export function endpointOfChannelName(name: string): string | null {
  const m = /^(.+)-[0-9a-f]{8}(;[12])?$/.exec(name.trim());
  return m ? m[1]! : null;
}

export class ParkStep implements FlowStep {
  readonly name = 'park';
  constructor(
    private readonly def: ParkNode,
    private readonly lot: ParkingLot,
    private readonly media: CallMedia,
    private readonly log: Logger,
    private readonly onTimeout: readonly FlowStep[],
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const [from, to] = this.def.slots;
    const slot = this.lot.freeSlot(ctx.portalId, from, to);
    if (slot === null) {
      ctx.route.push('park:full');
      ctx.notes.push(`Parking lot ${from}-${to} full`);
      await ctx.call.play('sound:pbx-parkingfailed');
      return branch(this.onTimeout, ctx);
    }
    const holding = await this.media.holdingBridge();
    let picked: (by: CallChannel) => void = () => undefined;
    const pickedUp = new Promise<CallChannel>((resolve) => (picked = resolve));
    const entry: ParkedCall = { slot, call: ctx.call, holding, pickedUp: (by) => picked(by) };
    this.lot.park(ctx.portalId, entry);
    ctx.route.push(`park:${slot}`);
    try {
      await ctx.call.play(`digits:${slot}`);
      await holding.add([ctx.call.info.id]);
      await holding.startMoh().catch((err: unknown) => this.log.warn({ err }, 'no music on hold'));
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        pickedUp.then(() => 'picked' as const),
        ctx.call.ended.then(() => 'hung-up' as const),
        new Promise<'timeout'>(
          (r) => (timer = setTimeout(() => r('timeout'), this.def.timeoutSec * 1000)),
        ),
      ]);
      clearTimeout(timer);
      if (outcome === 'picked') {
        ctx.notes.push(`Parked on ${slot} and picked up`);
        await ctx.call.ended;
        return 'stop';
      }
      // A pick-up may have taken the slot in the same instant: it owns the call then.
      if (!this.lot.release(ctx.portalId, entry)) {
        await ctx.call.ended;
        return 'stop';
      }
      if (outcome === 'hung-up') return 'stop';
      await holding.remove([ctx.call.info.id]);
      return await this.timedOut(ctx, slot);
    } finally {
      this.lot.release(ctx.portalId, entry);
      await holding.destroy().catch(() => undefined);
    }
  }

  private async timedOut(ctx: FlowContext, slot: number): Promise<'stop'> {
    const parker = this.def.returnToParker ? await this.parkerOf(ctx) : null;
    if (parker) {
      try {
        const back = await this.media.originate({
          endpoint: parker,
          timeoutSec: 30,
          args: ['park-return'],
        });
        ctx.route.push('park:returned');
        ctx.notes.push(`Parked on ${slot}, not picked up; returned to ${parker}`);
        await talkUntilEnd(await this.media.bridge(), ctx.call, back);
        return 'stop';
      } catch (err) {
        this.log.warn({ err, parker }, 'park return to the parker failed');
      }
    }
    ctx.route.push('park:timeout');
    ctx.notes.push(`Parked on ${slot}, not picked up within ${this.def.timeoutSec} s`);
    return branch(this.onTimeout, ctx);
  }

  /**
   * Who parked the call: the agent whose phone transferred it here (ctx.transferredBy),
   * CENTRALINO_PARKER, or Asterisk's BLINDTRANSFER (the transferring channel).
   */
  private async parkerOf(ctx: FlowContext): Promise<string | null> {
    if (ctx.transferredBy) return ctx.transferredBy;
    const explicit = await this.media.channelVar(ctx.call.info.id, 'CENTRALINO_PARKER');
    if (explicit) return explicit;
    const transferrer = await this.media.channelVar(ctx.call.info.id, 'BLINDTRANSFER');
    return transferrer ? endpointOfChannelName(transferrer) : null;
  }
}

export class PickupStep implements FlowStep {
  readonly name = 'pickup';
  constructor(
    private readonly def: PickupNode,
    private readonly lot: ParkingLot,
    private readonly media: CallMedia,
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const slot = Number(ctx.called);
    const parked = Number.isInteger(slot) ? this.lot.take(ctx.portalId, slot) : null;
    if (!parked) {
      ctx.route.push(`pickup:${ctx.called}:empty`);
      await ctx.call.play(this.def.emptyMedia);
      return 'stop';
    }
    ctx.route.push(`pickup:${slot}`);
    await parked.holding.remove([parked.call.info.id]);
    parked.pickedUp(ctx.call);
    await talkUntilEnd(await this.media.bridge(), ctx.call, parked.call);
    return 'stop';
  }
}
