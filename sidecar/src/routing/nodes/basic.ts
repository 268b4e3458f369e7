// The simple nodes: play, say, gather, announcement, goto, hangup.
import { DateTime } from 'luxon';
import type { Logger } from '../../ports.ts';
import type { FlowNode } from '../flow-schema.ts';
import { playAll, runSteps, type FlowContext, type FlowStep, type StepResult } from '../context.ts';
import type { RoutingSettings } from '../settings-store.ts';
import { playMessage } from '../spoken-message.ts';
import type { TextToSpeech } from '../../tts/port.ts';

type Node<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>;

export class PlayStep implements FlowStep {
  readonly name = 'play';
  constructor(private readonly def: Node<'play'>) {}
  async run(ctx: FlowContext): Promise<void> {
    await playAll(ctx, this.def.media);
  }
}

/** `{caller}`, `{called}` and gathered variables (`{code}`) in a value. */
export function resolveValue(value: string, ctx: FlowContext): string {
  return value.replace(/\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (_m, name: string) => {
    if (name === 'caller') return (ctx.caller ?? '').replace(/^\+/, '');
    if (name === 'called') return ctx.called;
    return ctx.vars.get(name) ?? '';
  });
}

/** Asterisk prompts that speak a date: weekday, day, month, year. */
export function dateMedia(isoDay: string): string[] {
  const d = DateTime.fromISO(isoDay, { zone: 'utc' });
  if (!d.isValid) return [];
  return [
    `sound:digits/day-${d.weekday % 7}`,
    `sound:digits/mon-${d.month - 1}`,
    `number:${d.day}`,
    `number:${d.year}`,
  ];
}

export class SayStep implements FlowStep {
  readonly name = 'say';
  constructor(private readonly def: Node<'say'>) {}
  async run(ctx: FlowContext): Promise<void> {
    const value = resolveValue(this.def.value, ctx);
    switch (this.def.kind) {
      case 'digits':
        if (/^[0-9*#]+$/.test(value)) await playAll(ctx, `digits:${value}`);
        return;
      case 'number':
        if (/^-?\d+$/.test(value)) await playAll(ctx, `number:${value}`);
        return;
      case 'date': {
        const day =
          value === 'today'
            ? (DateTime.fromMillis(ctx.now(), { zone: 'utc' }).toISODate() ?? '')
            : value;
        await playAll(ctx, dateMedia(day));
        return;
      }
    }
  }
}

export class GatherStep implements FlowStep {
  readonly name = 'gather';
  constructor(private readonly def: Node<'gather'>) {}
  async run(ctx: FlowContext): Promise<void> {
    await playAll(ctx, this.def.prompt, { stopOnDigit: true });
    const digits = await ctx.call.collectDigits({
      max: this.def.maxDigits,
      firstDigitMs: this.def.timeoutMs,
      interDigitMs: 3000,
      terminator: this.def.terminator,
    });
    ctx.vars.set(this.def.variable, digits);
  }
}

/**
 * An announcement an admin switches on from the CRM (V6): their recording, else their text
 * spoken, else the file's media (also what plays when the speech cannot be made).
 */
export class AnnouncementStep implements FlowStep {
  readonly name = 'announcement';
  constructor(
    private readonly def: Node<'announcement'>,
    private readonly settings: RoutingSettings,
    private readonly tts: TextToSpeech,
    private readonly log: Logger,
  ) {}
  async run(ctx: FlowContext): Promise<StepResult> {
    let state = null;
    try {
      state = await this.settings.announcement(ctx.portalId, this.def.id);
    } catch (err) {
      this.log.warn({ err }, 'announcement state unreadable; using the file default');
    }
    const enabled = state?.enabled ?? this.def.enabled;
    if (!enabled) return undefined;
    ctx.route.push(`announcement:${this.def.id}`);
    await playMessage(ctx, state ?? {}, this.def.media, { tts: this.tts, log: this.log });
    if (this.def.then === 'hangup') {
      await ctx.call.hangup();
      return 'stop';
    }
    return undefined;
  }
}

export class GotoStep implements FlowStep {
  readonly name = 'goto';
  constructor(
    private readonly def: Node<'goto'>,
    private readonly resolve: (flow: string) => readonly FlowStep[],
  ) {}
  async run(ctx: FlowContext): Promise<'stop'> {
    // A loop in the configuration (a → b → a) must not spin forever on a live call.
    if (++ctx.jumps > 20) throw new Error(`too many goto jumps (last to '${this.def.flow}')`);
    await runSteps(this.resolve(this.def.flow), ctx);
    return 'stop';
  }
}

export class HangupStep implements FlowStep {
  readonly name = 'hangup';
  async run(ctx: FlowContext): Promise<'stop'> {
    await ctx.call.hangup();
    return 'stop';
  }
}
