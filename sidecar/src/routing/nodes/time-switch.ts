// Open / closed / holiday by the calendar (V1, V2): the file's calendar merged with what the
// admin set in the CRM. A holiday or closure plays its own message first: its recording, else
// its text spoken (spoken-message.ts).
import { calendarStateAt, type Calendar } from '../../domain/calendar.ts';
import type { Logger } from '../../ports.ts';
import { branch, type FlowContext, type FlowStep } from '../context.ts';
import type { RoutingSettings } from '../settings-store.ts';
import { playMessage } from '../spoken-message.ts';
import type { TextToSpeech } from '../../tts/port.ts';

export class TimeSwitchStep implements FlowStep {
  readonly name = 'time-switch';
  constructor(
    private readonly calendarId: string,
    private readonly base: () => Calendar,
    private readonly settings: RoutingSettings,
    private readonly tts: TextToSpeech,
    private readonly log: Logger,
    private readonly open: readonly FlowStep[],
    private readonly closed: readonly FlowStep[],
    private readonly holiday: readonly FlowStep[] | undefined,
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    let cal = this.base();
    try {
      cal = await this.settings.effectiveCalendar(ctx.portalId, this.calendarId, cal);
    } catch (err) {
      // The database being unreadable must not leave the caller in silence: the file rules.
      this.log.warn({ err }, 'calendar overrides unreadable; using the file calendar');
      ctx.notes.push('Calendar overrides unavailable: routed by the configured hours');
    }
    const state = calendarStateAt(cal, ctx.now());
    switch (state.kind) {
      case 'open':
        ctx.route.push('time:open');
        return branch(this.open, ctx);
      case 'closed':
        ctx.route.push('time:closed');
        return branch(this.closed, ctx);
      case 'holiday':
      case 'closure':
        ctx.route.push(`time:${state.kind}(${state.exception.name})`);
        await playMessage(ctx, state.exception, undefined, { tts: this.tts, log: this.log });
        return branch(this.holiday ?? this.closed, ctx);
    }
  }
}
