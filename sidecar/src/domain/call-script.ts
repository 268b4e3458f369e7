// Call scripts (T3): per call type, a script is a set of steps with guidance and questions;
// branches pick the next step from an answer. Pure: validation, walking the path an agent
// took, and checking a set of answers against it. The sidecar stores definitions per portal
// and refuses answers that do not fit the script, so the CRM never gets half-typed garbage.
import { z } from 'zod';

export const AnswerType = {
  Text: 'text',
  YesNo: 'yes-no',
  Choice: 'choice',
  Number: 'number',
} as const;
export type AnswerType = (typeof AnswerType)[keyof typeof AnswerType];

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _ (≤ 40)');

const questionSchema = z
  .object({
    id,
    prompt: z.string().min(1).max(500),
    type: z.enum(['text', 'yes-no', 'choice', 'number']),
    choices: z.array(z.string().min(1).max(100)).max(20).optional(),
    required: z.boolean().default(true),
  })
  .strict();

const branchSchema = z
  .object({
    questionId: id,
    /** The answer that takes this branch (yes/no as true/false, numbers as numbers). */
    equals: z.union([z.string(), z.number(), z.boolean()]),
    /** Next step id, or null to end the script. */
    goto: id.nullable(),
  })
  .strict();

const stepSchema = z
  .object({
    id,
    title: z.string().min(1).max(200),
    guidance: z.string().max(2000).default(''),
    questions: z.array(questionSchema).max(20).default([]),
    branches: z.array(branchSchema).max(20).default([]),
    /** Where to go when no branch matches; null ends the script; absent = the next step. */
    next: id.nullable().optional(),
  })
  .strict();

export const scriptDefinitionSchema = z
  .object({
    callType: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    steps: z.array(stepSchema).min(1).max(50),
  })
  .strict()
  .superRefine((script, ctx) => {
    const stepIds = new Set<string>();
    for (const [i, step] of script.steps.entries()) {
      if (stepIds.has(step.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: 'duplicate step id' });
      stepIds.add(step.id);
      const qIds = new Set<string>();
      for (const [j, q] of step.questions.entries()) {
        if (qIds.has(q.id))
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'questions', j, 'id'],
            message: 'duplicate question id in step',
          });
        qIds.add(q.id);
        if (q.type === 'choice' && (q.choices ?? []).length < 2)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'questions', j, 'choices'],
            message: 'a choice question needs at least two choices',
          });
      }
      for (const [k, b] of step.branches.entries()) {
        const q = step.questions.find((x) => x.id === b.questionId);
        if (!q)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'branches', k, 'questionId'],
            message: 'branches on a question of the same step',
          });
        else if (answerProblem(q, b.equals) !== null)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'branches', k, 'equals'],
            message: `not a possible answer: ${answerProblem(q, b.equals)}`,
          });
      }
    }
    for (const [i, step] of script.steps.entries()) {
      for (const [k, b] of step.branches.entries())
        if (b.goto !== null && !stepIds.has(b.goto))
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'branches', k, 'goto'],
            message: `no step '${b.goto}'`,
          });
      if (step.next && !stepIds.has(step.next))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'next'],
          message: `no step '${step.next}'`,
        });
    }
    if (hasCycle(script))
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'steps form a loop' });
  });

export type ScriptDefinitionInput = z.input<typeof scriptDefinitionSchema>;
export type ScriptDefinition = z.output<typeof scriptDefinitionSchema>;
export type ScriptStep = ScriptDefinition['steps'][number];
export type ScriptQuestion = ScriptStep['questions'][number];
export type AnswerValue = string | number | boolean;
/** Answers by step id, then question id. */
export type ScriptAnswers = Record<string, Record<string, AnswerValue>>;

/** Why `value` is not a valid answer to `q`, or null when it is. */
export function answerProblem(q: ScriptQuestion, value: unknown): string | null {
  switch (q.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? null : 'expected text';
    case 'yes-no':
      return typeof value === 'boolean' ? null : 'expected yes (true) or no (false)';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
    case 'choice':
      return typeof value === 'string' && (q.choices ?? []).includes(value)
        ? null
        : `expected one of ${(q.choices ?? []).join(', ')}`;
  }
}

/** The step after `step` given its answers; null ends the script. */
export function nextStepId(
  script: ScriptDefinition,
  step: ScriptStep,
  answers: Record<string, AnswerValue>,
): string | null {
  for (const b of step.branches) {
    if (answers[b.questionId] === b.equals) return b.goto;
  }
  if (step.next !== undefined) return step.next;
  const i = script.steps.findIndex((s) => s.id === step.id);
  return script.steps[i + 1]?.id ?? null;
}

function successors(script: ScriptDefinition, step: ScriptStep): string[] {
  const out = step.branches.map((b) => b.goto).filter((g): g is string => g !== null);
  if (step.next !== undefined) {
    if (step.next !== null) out.push(step.next);
  } else {
    const i = script.steps.findIndex((s) => s.id === step.id);
    const following = script.steps[i + 1];
    if (following) out.push(following.id);
  }
  return out;
}

function hasCycle(script: ScriptDefinition): boolean {
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(script.steps.map((s) => [s.id, s]));
  const visit = (sid: string): boolean => {
    if (state.get(sid) === 'done') return false;
    if (state.get(sid) === 'visiting') return true;
    state.set(sid, 'visiting');
    const step = byId.get(sid);
    if (step && successors(script, step).some(visit)) return true;
    state.set(sid, 'done');
    return false;
  };
  return script.steps.some((s) => visit(s.id));
}

export interface AnsweredStep {
  step: ScriptStep;
  answers: Record<string, AnswerValue>;
}

export type AnswerCheck =
  { ok: true; path: AnsweredStep[]; complete: boolean } | { ok: false; problems: string[] };

/**
 * Walks the script from its first step following the answers, as the agent did. Every
 * required question on the path must be answered with the right type; answers to steps off
 * the path are refused (they would tell the CRM something the agent never asked).
 */
export function checkAnswers(script: ScriptDefinition, answers: ScriptAnswers): AnswerCheck {
  const problems: string[] = [];
  const path: AnsweredStep[] = [];
  const byId = new Map(script.steps.map((s) => [s.id, s]));
  let current: ScriptStep | undefined = script.steps[0];
  let complete = true;
  while (current) {
    const given = answers[current.id];
    if (given === undefined) {
      complete = false;
      break;
    }
    for (const key of Object.keys(given))
      if (!current.questions.some((q) => q.id === key))
        problems.push(`${current.id}.${key}: no such question`);
    for (const q of current.questions) {
      const v = given[q.id];
      if (v === undefined) {
        if (q.required) problems.push(`${current.id}.${q.id}: required`);
        continue;
      }
      const p = answerProblem(q, v);
      if (p) problems.push(`${current.id}.${q.id}: ${p}`);
    }
    path.push({ step: current, answers: given });
    const next = nextStepId(script, current, given);
    current = next === null ? undefined : byId.get(next);
  }
  const visited = new Set(path.map((p) => p.step.id));
  for (const sid of Object.keys(answers))
    if (!visited.has(sid)) problems.push(`${sid}: step not on the path the answers take`);
  if (path.length === 0) problems.push('no answers for the first step');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, path, complete };
}

/** A readable summary (ticket body, timeline event): one line per answered question. */
export function summarizeAnswers(path: AnsweredStep[]): string {
  const lines: string[] = [];
  for (const { step, answers } of path) {
    for (const q of step.questions) {
      const v = answers[q.id];
      if (v === undefined) continue;
      const shown = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
      lines.push(`${q.prompt} ${shown}`);
    }
  }
  return lines.join('\n');
}
