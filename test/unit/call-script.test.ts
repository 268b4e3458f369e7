// Call-script rules (T3), pure: definitions are validated, answers follow the branches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAnswers,
  nextStepId,
  scriptDefinitionSchema,
  summarizeAnswers,
  type ScriptDefinitionInput,
} from '../../sidecar/src/domain/call-script.ts';

const input: ScriptDefinitionInput = {
  callType: 'fault',
  name: 'Fault report',
  steps: [
    {
      id: 'start',
      title: 'Start',
      questions: [
        { id: 'kind', prompt: 'What failed?', type: 'choice', choices: ['boiler', 'meter'] },
      ],
      branches: [{ questionId: 'kind', equals: 'meter', goto: 'meter' }],
    },
    {
      id: 'boiler',
      title: 'Boiler',
      questions: [{ id: 'age', prompt: 'Age in years?', type: 'number' }],
      next: null,
    },
    {
      id: 'meter',
      title: 'Meter',
      questions: [
        { id: 'ok', prompt: 'Display on?', type: 'yes-no' },
        { id: 'note', prompt: 'Note', type: 'text', required: false },
      ],
    },
  ],
};
const script = scriptDefinitionSchema.parse(input);

test('a valid definition gets defaults; broken ones are refused with the reason', () => {
  assert.equal(script.steps[0]!.guidance, '');
  assert.equal(script.steps[0]!.questions[0]!.required, true);
  const broken: [string, ScriptDefinitionInput][] = [
    ['duplicate step id', { ...input, steps: [input.steps[0]!, { ...input.steps[0]! }] }],
    [
      'a choice question needs at least two choices',
      {
        ...input,
        steps: [
          {
            id: 'a',
            title: 'A',
            questions: [{ id: 'q', prompt: 'Q', type: 'choice', choices: ['x'] }],
          },
        ],
      },
    ],
    ["no step 'nowhere'", { ...input, steps: [{ id: 'a', title: 'A', next: 'nowhere' }] }],
    [
      'not a possible answer',
      {
        ...input,
        steps: [
          {
            id: 'a',
            title: 'A',
            questions: [{ id: 'q', prompt: 'Q', type: 'yes-no' }],
            branches: [{ questionId: 'q', equals: 'maybe', goto: null }],
          },
        ],
      },
    ],
    [
      'steps form a loop',
      {
        ...input,
        steps: [
          { id: 'a', title: 'A', next: 'b' },
          { id: 'b', title: 'B', next: 'a' },
        ],
      },
    ],
  ];
  for (const [reason, def] of broken) {
    const r = scriptDefinitionSchema.safeParse(def);
    assert.equal(r.success, false, reason);
    assert.ok(
      r.error.issues.some((i) => i.message.includes(reason)),
      `${reason}: ${JSON.stringify(r.error.issues)}`,
    );
  }
});

test('branches pick the next step; otherwise next, then the following step, then the end', () => {
  const [start, boiler, meter] = script.steps;
  assert.equal(nextStepId(script, start!, { kind: 'meter' }), 'meter');
  assert.equal(nextStepId(script, start!, { kind: 'boiler' }), 'boiler');
  assert.equal(nextStepId(script, boiler!, { age: 3 }), null);
  assert.equal(nextStepId(script, meter!, { ok: true }), null);
});

test('answers are checked along the path they take', () => {
  const good = checkAnswers(script, { start: { kind: 'meter' }, meter: { ok: false } });
  assert.ok(good.ok);
  assert.equal(good.complete, true);
  assert.equal(summarizeAnswers(good.path), 'What failed? meter\nDisplay on? no');

  const partial = checkAnswers(script, { start: { kind: 'boiler' } });
  assert.ok(partial.ok);
  assert.equal(partial.complete, false);

  const wrong = checkAnswers(script, {
    start: { kind: 'boiler' },
    boiler: { age: '3' },
    meter: { ok: true },
  });
  assert.equal(wrong.ok, false);
  assert.deepEqual(!wrong.ok && wrong.problems, [
    'boiler.age: expected a number',
    'meter: step not on the path the answers take',
  ]);
  const missing = checkAnswers(script, { start: {} });
  assert.deepEqual(!missing.ok && missing.problems, ['start.kind: required']);
  const unknown = checkAnswers(script, { start: { kind: 'meter', extra: 1 } });
  assert.deepEqual(!unknown.ok && unknown.problems, ['start.extra: no such question']);
  const bogusChoice = checkAnswers(script, { start: { kind: 'pipe' } });
  assert.deepEqual(!bogusChoice.ok && bogusChoice.problems, [
    'start.kind: expected one of boiler, meter',
  ]);
});
