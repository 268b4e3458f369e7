// What happens after an attempt: its outcome decides whether the contact is done, is called
// again later (per the retry policy), or falls back to SMS. Pure.
import type { CampaignDefinition } from './definition.ts';

export const AttemptOutcome = {
  /** Answered; `answer` says what was pressed (none when nothing valid was). */
  Answered: 'answered',
  /** Autoinformer: the whole message was played. */
  Listened: 'listened',
  Busy: 'busy',
  NoAnswer: 'no-answer',
  Failed: 'failed',
  Machine: 'machine',
  /** Answering machine, message left after the greeting. */
  MachineMessage: 'machine-message',
  /** Answered, then hung up before the message (and question) was over. */
  HungUp: 'hung-up',
  OptedOut: 'opted-out',
  /** The process died during the attempt; counted, never repeated as the same attempt. */
  Interrupted: 'interrupted',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

export type Rsvp = 'yes' | 'no';

export type NextStep =
  | { kind: 'done' }
  | { kind: 'retry'; at: number }
  | { kind: 'sms' }
  /** Retries used up and no SMS fallback: the contact failed. */
  | { kind: 'failed' };

function ruleFor(outcome: AttemptOutcome, def: CampaignDefinition) {
  switch (outcome) {
    case AttemptOutcome.Busy:
      return def.retry.busy;
    case AttemptOutcome.NoAnswer:
      return def.retry.noAnswer;
    case AttemptOutcome.Failed:
    case AttemptOutcome.Interrupted:
      return def.retry.failed;
    case AttemptOutcome.Machine:
      return def.retry.machine;
    case AttemptOutcome.HungUp:
      return def.retry.hungUp;
    case AttemptOutcome.Answered:
    case AttemptOutcome.Listened:
    case AttemptOutcome.MachineMessage:
    case AttemptOutcome.OptedOut:
      return null;
  }
}

/** `attempts` = attempts made so far, this one included. */
export function nextStep(
  outcome: AttemptOutcome,
  answer: Rsvp | null,
  attempts: number,
  now: number,
  def: CampaignDefinition,
): NextStep {
  if (outcome === AttemptOutcome.OptedOut || outcome === AttemptOutcome.Listened)
    return { kind: 'done' };
  if (outcome === AttemptOutcome.MachineMessage) return { kind: 'done' };
  if (outcome === AttemptOutcome.Answered) {
    // An invitation answered without a valid key is retried like a hang-up.
    if (answer !== null || def.mode === 'autoinformer') return { kind: 'done' };
  }
  const rule = ruleFor(outcome, def) ?? def.retry.hungUp;
  if (attempts < rule.maxAttempts) return { kind: 'retry', at: now + rule.delayMs };
  return def.sms?.mode === 'fallback' ? { kind: 'sms' } : { kind: 'failed' };
}

/** Maps an originate failure reason (Q.850 text or DIALSTATUS) to an outcome. */
export function outcomeOfOriginateFailure(reason: string): AttemptOutcome {
  if (/busy/i.test(reason)) return AttemptOutcome.Busy;
  if (/no ?answer|alerting|timeout/i.test(reason)) return AttemptOutcome.NoAnswer;
  return AttemptOutcome.Failed;
}
