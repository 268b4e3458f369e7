// One answered campaign call: answering-machine check, the message, the keypad question.
// Returns what happened; the dialer records it. Every media actually played is listed (the
// proof of what the recipient heard).
import { CallEndedError, type CallChannel } from '../telephony/port.ts';
import type { CampaignDefinition } from './definition.ts';
import { AttemptOutcome, type Rsvp } from './policy.ts';

export interface ScriptResult {
  outcome: AttemptOutcome;
  answer: Rsvp | null;
  played: string[];
}

/** Longest a campaign call may last: the lease renewal assumes calls end. */
export const MAX_CALL_MS = 5 * 60_000;

export async function runCampaignCall(
  call: CallChannel,
  def: CampaignDefinition,
  media: readonly string[],
  amdStatus: string | null,
): Promise<ScriptResult> {
  const played: string[] = [];
  const playAll = async (list: readonly string[]): Promise<boolean> => {
    for (const m of list) {
      const r = await call.play(m);
      if (r !== 'done' || call.isEnded()) return false;
      played.push(m);
    }
    return true;
  };
  try {
    if (def.amd.enabled && amdStatus === 'MACHINE') {
      if (def.amd.onMachine === 'retry')
        return { outcome: AttemptOutcome.Machine, answer: null, played };
      const ok = await playAll(media);
      return {
        outcome: ok ? AttemptOutcome.MachineMessage : AttemptOutcome.Machine,
        answer: null,
        played,
      };
    }
    if (def.mode === 'autoinformer' || !def.question) {
      const ok = await playAll(media);
      return {
        outcome: ok ? AttemptOutcome.Listened : AttemptOutcome.HungUp,
        answer: null,
        played,
      };
    }
    const q = def.question;
    for (let round = 0; round <= q.maxRepeats; round++) {
      if (!(await playAll([...media, q.prompt])))
        return { outcome: AttemptOutcome.HungUp, answer: null, played };
      // Keys typed during the message are buffered and count here.
      const digit = await call.collectDigits({ max: 1, firstDigitMs: q.timeoutMs });
      if (q.optOutDigit !== undefined && digit === q.optOutDigit)
        return { outcome: AttemptOutcome.OptedOut, answer: null, played };
      const answer = q.answers[digit];
      if (answer) return { outcome: AttemptOutcome.Answered, answer, played };
      if (call.isEnded()) return { outcome: AttemptOutcome.HungUp, answer: null, played };
      // The repeat key, a wrong key or silence: say it again (bounded).
      call.clearDigits();
    }
    return { outcome: AttemptOutcome.Answered, answer: null, played };
  } catch (err) {
    if (err instanceof CallEndedError)
      return { outcome: AttemptOutcome.HungUp, answer: null, played };
    throw err;
  }
}
