// Call steps as small command objects, each run against the call it is given. A flow is a
// list of them; the routing issue grows this into menus, gates and queues.
import type { CallChannel } from '../telephony/port.ts';

export interface CallContext {
  call: CallChannel;
  /** Set by the Answer step: the instant the caller was connected. */
  answeredAt: number | null;
  now(): number;
  /** Id of the call record this call will get (inbound calls): recordings are filed under it. */
  callId?: string;
  /** Link to the call's recording, for the CRM call (hs_call_recording_url). */
  recordingUrl?: string | null;
  /** Set by a queue step whose caller was handed to another number's flow (see QueueResult). */
  handOff?: { number: string; by: string | null };
  /** Dial string of whoever transferred the call into the flow running now (park returns). */
  transferredBy?: string | null;
}

export interface CallStep {
  readonly name: string;
  run(ctx: CallContext): Promise<void>;
}

export class Answer implements CallStep {
  readonly name = 'answer';
  async run(ctx: CallContext): Promise<void> {
    await ctx.call.answer();
    // Kept when the call was answered before (handed on to another number's flow).
    ctx.answeredAt ??= ctx.now();
  }
}

export class Play implements CallStep {
  readonly name = 'play';
  constructor(readonly media: string) {}
  async run(ctx: CallContext): Promise<void> {
    await ctx.call.play(this.media);
  }
}

export class Hangup implements CallStep {
  readonly name = 'hangup';
  async run(ctx: CallContext): Promise<void> {
    await ctx.call.hangup();
  }
}
