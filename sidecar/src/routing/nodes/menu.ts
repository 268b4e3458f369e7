// IVR menu (V3): a prompt, digits → branches; timeouts and wrong keys are re-asked a bounded
// number of times, then the fallback branch runs (e.g. the operator queue), never silence.
import type { FlowNode } from '../flow-schema.ts';
import { branch, playAll, type FlowContext, type FlowStep } from '../context.ts';

type MenuNode = Extract<FlowNode, { type: 'menu' }>;

export class MenuStep implements FlowStep {
  readonly name = 'menu';
  constructor(
    private readonly def: MenuNode,
    private readonly options: ReadonlyMap<string, readonly FlowStep[]>,
    private readonly fallback: readonly FlowStep[],
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const misses: string[] = [];
    for (let attempt = 0; attempt <= this.def.retries; attempt++) {
      await playAll(ctx, this.def.prompt, { stopOnDigit: true });
      const key = await ctx.call.collectDigits({ max: 1, firstDigitMs: this.def.timeoutMs });
      const chosen = key === '' ? undefined : this.options.get(key);
      if (chosen) {
        ctx.route.push(`menu:${key}`);
        return branch(chosen, ctx);
      }
      misses.push(key === '' ? 'timeout' : `invalid ${key}`);
      if (attempt < this.def.retries)
        await ctx.call.play(key === '' ? this.def.timeoutMedia : this.def.invalidMedia);
    }
    ctx.route.push('menu:fallback');
    ctx.notes.push(`Menu: no valid choice (${misses.join(', ')}); fallback taken`);
    return branch(this.fallback, ctx);
  }
}
