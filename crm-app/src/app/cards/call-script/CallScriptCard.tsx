// Call script (T3): the agent picks the call and its type; the script is shown one step at a
// time (guidance, then questions), branches follow the answers, and the answers are saved to
// the call and the record's timeline.
import {
  Alert,
  Button,
  ButtonRow,
  EmptyState,
  Flex,
  Heading,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
  Text,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import { formatWhen, recordOf } from '../lib/record';
import { missingAnswers, nextStepId } from '../lib/script-flow';
import { sidecar } from '../lib/sidecar';
import type {
  AnswerValue,
  CallScript,
  CallSummary,
  RecordRef,
  ScriptAnswers,
  ScriptQuestion,
} from '../lib/types';
import { errorText, useLoad } from '../lib/use-load';

export function CallScriptCard() {
  const context = useExtensionContext<'crm.record.tab'>();
  const record = recordOf(context.crm);
  if (!record)
    return (
      <EmptyState title="Not available here">
        <Text>This card works on contacts and tickets.</Text>
      </EmptyState>
    );
  return <CallScriptPanel record={record} />;
}

function CallScriptPanel({ record }: { record: RecordRef }) {
  const [state] = useLoad(async () => {
    const [s, c] = await Promise.all([sidecar.scripts(), sidecar.calls(record)]);
    return { scripts: s.scripts, calls: c.calls };
  }, `${record.objectType}/${record.objectId}`);
  if (state.kind === 'loading') return <LoadingSpinner label="Loading call scripts" />;
  if (state.kind === 'error')
    return (
      <Alert title="Could not load call scripts" variant="error">
        {state.message}
      </Alert>
    );
  const { scripts, calls } = state.data;
  if (scripts.length === 0)
    return (
      <EmptyState title="No call scripts yet">
        <Text>An admin adds scripts per call type in the app settings.</Text>
      </EmptyState>
    );
  if (calls.length === 0)
    return (
      <EmptyState title="No call to follow a script for">
        <Text>Calls with this record appear here as soon as they are logged.</Text>
      </EmptyState>
    );
  return <ScriptRunner record={record} scripts={scripts} calls={calls} />;
}

function callLabel(c: CallSummary): string {
  return `${formatWhen(c.startedAt)} ${c.direction === 'INBOUND' ? c.fromNumber : c.toNumber}`;
}

type Phase =
  | { kind: 'answering'; stepId: string }
  | { kind: 'review' }
  | { kind: 'saving' }
  | { kind: 'saved'; summary: string };

function ScriptRunner(props: { record: RecordRef; scripts: CallScript[]; calls: CallSummary[] }) {
  const [callId, setCallId] = useState(props.calls[0]!.id);
  const [scriptId, setScriptId] = useState(props.scripts[0]!.id);
  const script = props.scripts.find((s) => s.id === scriptId) ?? props.scripts[0]!;
  const [phase, setPhase] = useState<Phase>({ kind: 'answering', stepId: script.steps[0]!.id });
  const [path, setPath] = useState<string[]>([]);
  const [answers, setAnswers] = useState<ScriptAnswers>({});
  const [problem, setProblem] = useState<string | null>(null);

  const restart = (s: CallScript) => {
    setPhase({ kind: 'answering', stepId: s.steps[0]!.id });
    setPath([]);
    setAnswers({});
    setProblem(null);
  };

  const answer = (stepId: string, q: ScriptQuestion, value: AnswerValue) =>
    setAnswers((a) => ({ ...a, [stepId]: { ...a[stepId], [q.id]: value } }));

  const next = (stepId: string) => {
    const step = script.steps.find((s) => s.id === stepId)!;
    const given = answers[stepId] ?? {};
    const missing = missingAnswers(step, given);
    if (missing.length > 0) {
      setProblem(`Please answer: ${missing.join('; ')}`);
      return;
    }
    setProblem(null);
    setPath((p) => [...p, stepId]);
    const following = nextStepId(script, step, given);
    setPhase(following === null ? { kind: 'review' } : { kind: 'answering', stepId: following });
  };

  const save = () => {
    // Only the steps the agent went through: answers typed on a branch not taken stay out.
    const onPath: ScriptAnswers = {};
    for (const sid of path) onPath[sid] = answers[sid] ?? {};
    setPhase({ kind: 'saving' });
    sidecar
      .saveAnswers({ callId, scriptId: script.id, record: props.record, answers: onPath })
      .then(
        (r) => setPhase({ kind: 'saved', summary: r.answers.summary }),
        (err: unknown) => {
          setProblem(errorText(err));
          setPhase({ kind: 'review' });
        },
      );
  };

  return (
    <Flex direction="column" gap="medium">
      <Flex direction="row" gap="small">
        <Select
          testId="call"
          label="Call"
          value={callId}
          options={props.calls.map((c) => ({ label: callLabel(c), value: c.id }))}
          onChange={(v) => setCallId(String(v))}
        />
        <Select
          testId="script"
          label="Call type"
          value={script.id}
          options={props.scripts.map((s) => ({ label: `${s.callType}: ${s.name}`, value: s.id }))}
          onChange={(v) => {
            const chosen = props.scripts.find((s) => s.id === v);
            if (!chosen) return;
            setScriptId(chosen.id);
            restart(chosen);
          }}
        />
      </Flex>
      {problem ? (
        <Alert testId="problem" title="Check the answers" variant="warning">
          {problem}
        </Alert>
      ) : null}
      {phase.kind === 'answering' ? (
        <StepView
          step={script.steps.find((s) => s.id === phase.stepId)!}
          answers={answers[phase.stepId] ?? {}}
          onAnswer={(q, v) => answer(phase.stepId, q, v)}
          onNext={() => next(phase.stepId)}
        />
      ) : null}
      {phase.kind === 'review' || phase.kind === 'saving' ? (
        <Flex direction="column" gap="small">
          <Text testId="review">Script complete. Save the answers to the call?</Text>
          <ButtonRow>
            <Button
              testId="save"
              variant="primary"
              disabled={phase.kind === 'saving'}
              onClick={save}
            >
              Save answers
            </Button>
            <Button testId="restart" variant="secondary" onClick={() => restart(script)}>
              Start over
            </Button>
          </ButtonRow>
        </Flex>
      ) : null}
      {phase.kind === 'saved' ? (
        <Alert testId="saved" title="Answers saved to the call and the timeline" variant="success">
          {phase.summary}
        </Alert>
      ) : null}
    </Flex>
  );
}

function StepView(props: {
  step: CallScript['steps'][number];
  answers: Record<string, AnswerValue>;
  onAnswer: (q: ScriptQuestion, value: AnswerValue) => void;
  onNext: () => void;
}) {
  const { step } = props;
  return (
    <Flex direction="column" gap="small">
      <Heading>{step.title}</Heading>
      {step.guidance ? <Text testId="guidance">{step.guidance}</Text> : null}
      {step.questions.map((q) => (
        <QuestionInput
          key={q.id}
          question={q}
          value={props.answers[q.id]}
          onAnswer={props.onAnswer}
        />
      ))}
      <Button testId="next" variant="primary" onClick={props.onNext}>
        Next
      </Button>
    </Flex>
  );
}

function QuestionInput(props: {
  question: ScriptQuestion;
  value: AnswerValue | undefined;
  onAnswer: (q: ScriptQuestion, value: AnswerValue) => void;
}) {
  const { question: q, value } = props;
  const testId = `q-${q.id}`;
  switch (q.type) {
    case 'yes-no':
      return (
        <Select
          testId={testId}
          label={q.prompt}
          required={q.required}
          value={typeof value === 'boolean' ? value : undefined}
          options={[
            { label: 'Yes', value: true },
            { label: 'No', value: false },
          ]}
          onChange={(v) => props.onAnswer(q, v === true)}
        />
      );
    case 'choice':
      return (
        <Select
          testId={testId}
          label={q.prompt}
          required={q.required}
          value={typeof value === 'string' ? value : undefined}
          options={(q.choices ?? []).map((c) => ({ label: c, value: c }))}
          onChange={(v) => props.onAnswer(q, String(v))}
        />
      );
    case 'number':
      return (
        <NumberInput
          testId={testId}
          name={q.id}
          label={q.prompt}
          required={q.required}
          value={typeof value === 'number' ? value : undefined}
          onChange={(v) => props.onAnswer(q, v)}
        />
      );
    case 'text':
      return (
        <Input
          testId={testId}
          name={q.id}
          label={q.prompt}
          required={q.required}
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => props.onAnswer(q, v)}
        />
      );
  }
}
