// Walking a call script in the card: which step comes next and whether a step is answered.
// The sidecar checks the same rules again (sidecar/src/domain/call-script.ts) before storing.
import type { AnswerValue, CallScript, ScriptStep } from './types';

export function nextStepId(
  script: CallScript,
  step: ScriptStep,
  answers: Record<string, AnswerValue>,
): string | null {
  for (const b of step.branches) if (answers[b.questionId] === b.equals) return b.goto;
  if (step.next !== undefined) return step.next;
  const i = script.steps.findIndex((s) => s.id === step.id);
  return script.steps[i + 1]?.id ?? null;
}

/** Prompts of required questions still unanswered in this step. */
export function missingAnswers(step: ScriptStep, answers: Record<string, AnswerValue>): string[] {
  return step.questions
    .filter((q) => q.required && (answers[q.id] === undefined || answers[q.id] === ''))
    .map((q) => q.prompt);
}
