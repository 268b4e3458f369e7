// What a flow step sees of a call: the channel, who called which number, the CRM lookup that
// runs alongside, and what routing decided so far (for the call record and the CRM note).
import type { E164 } from '../domain/phone.ts';
import type { CallContext } from '../flows/steps.ts';
import type { LookupResult } from '../ports.ts';

export interface FlowContext extends CallContext {
  portalId: string;
  /** Id of the call record this call will get: recordings and notes refer to it. */
  callId: string;
  caller: E164 | null;
  /** The number dialled, as Asterisk passed it (args[1]). */
  called: string;
  /** Caller ID → CRM contact, started when the call arrived (bounded). */
  lookup: Promise<LookupResult>;
  /** Digits gathered by `gather` nodes, by variable name. */
  vars: Map<string, string>;
  /** Route taken, in order, e.g. ['time:open', 'menu:1', 'queue:support']. */
  route: string[];
  /** Why a fallback was taken, gate results, … — shown in the CRM call body. */
  notes: string[];
  /** Contact identified by routing (e.g. by customer code) when caller ID found none. */
  contactId: string | null;
  recordingUrl: string | null;
  /** Depth of `goto` jumps, against loops in the configuration. */
  jumps: number;
}

/** 'stop' ends the flow: a branch was taken and has run to its end. */
export type StepResult = 'stop' | undefined;

export interface FlowStep {
  readonly name: string;
  run(ctx: FlowContext): Promise<StepResult | void>;
}

export async function runSteps(steps: readonly FlowStep[], ctx: FlowContext): Promise<StepResult> {
  for (const step of steps) {
    if ((await step.run(ctx)) === 'stop') return 'stop';
  }
  return undefined;
}

/** Runs a branch; whatever it does, the flow that chose it ends afterwards. */
export async function branch(steps: readonly FlowStep[], ctx: FlowContext): Promise<'stop'> {
  await runSteps(steps, ctx);
  return 'stop';
}

/** Plays one or more media in order; a prompt (`stopOnDigit`) stops at the first key press. */
export async function playAll(
  ctx: FlowContext,
  media: string | readonly string[],
  opts: { stopOnDigit?: boolean } = {},
): Promise<void> {
  for (const m of typeof media === 'string' ? [media] : media) {
    // A missing sound is a configuration mistake the admin should see on the CRM call.
    if ((await ctx.call.play(m, opts)) === 'failed') ctx.notes.push(`Could not play ${m}`);
  }
}
