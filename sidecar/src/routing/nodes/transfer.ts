// Transfer to an outside number through the trunk: originate the outside leg, then bridge it
// with the caller. Exactly two channels in one bridge — no hairpin, no leg left behind (Q6).
import { outsideDialString } from '../../domain/outside-dial.ts';
import type { FlowNode } from '../flow-schema.ts';
import { branch, type FlowContext, type FlowStep } from '../context.ts';
import type { CallMedia } from '../media-port.ts';
import { talkUntilEnd } from './bridged.ts';

type TransferNode = Extract<FlowNode, { type: 'transfer' }>;

export class TransferStep implements FlowStep {
  readonly name = 'transfer';
  constructor(
    private readonly def: TransferNode,
    private readonly media: CallMedia,
    /** e.g. 'PJSIP/{number}@trunk'. */
    private readonly dialTemplate: string,
    private readonly failed: readonly FlowStep[],
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const endpoint = outsideDialString(this.dialTemplate, this.def.number);
    ctx.route.push(`transfer:${this.def.number}`);
    let outside;
    try {
      outside = await this.media.originate({
        endpoint,
        timeoutSec: this.def.timeoutSec,
        callerId: this.def.callerId ?? ctx.caller ?? ctx.call.info.callerNumber,
        args: ['transfer'],
      });
    } catch (err) {
      ctx.notes.push(
        `Transfer to ${this.def.number} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return branch(this.failed, ctx);
    }
    // The caller may have hung up while the outside number rang.
    if (ctx.call.isEnded()) {
      await outside.hangup();
      return 'stop';
    }
    ctx.notes.push(`Transferred to ${this.def.number}`);
    await talkUntilEnd(await this.media.bridge(), ctx.call, outside);
    return 'stop';
  }
}
