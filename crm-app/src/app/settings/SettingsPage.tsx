// The app's settings page: numbers and their flows, opening hours, holidays, the emergency
// announcement, agents and skills, queues and strategies, and the call scripts per call type.
import {
  Alert,
  Button,
  Divider,
  Flex,
  Heading,
  Input,
  LoadingSpinner,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  TextArea,
  Toggle,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import { sidecar } from '../cards/lib/sidecar';
import type { AcdOverview, CallScript, RoutingSettingsView } from '../cards/lib/types';
import { errorText, useLoad } from '../cards/lib/use-load';

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

type Hours = RoutingSettingsView['hours'];

/** The week as the admin edits it: one range per line, "Mon 08:30-18:00". */
export function hoursText(hours: Hours): string {
  return hours.map((h) => `${DAYS[h.day]} ${h.open}-${h.close}`).join('\n');
}

/** The edited lines back as ranges, or the first line that is not "Day HH:MM-HH:MM". */
export function parseHours(text: string): { hours: Hours } | { problem: string } {
  const hours: Hours = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const m = /^([A-Za-z]{3})\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(line);
    const day = m ? DAYS.findIndex((d) => d.toLowerCase() === m[1]!.toLowerCase()) : -1;
    if (!m || day < 1)
      return { problem: `Line ${i + 1}: write "Mon 08:30-18:00" (Mon … Sun), not "${line}"` };
    hours.push({ day, open: m[2]!, close: m[3]! });
  }
  return { hours };
}

export function SettingsPage() {
  const [state, reload] = useLoad(async () => {
    const [settings, scripts] = await Promise.all([sidecar.settings(), sidecar.scripts()]);
    return { ...settings, scripts: scripts.scripts };
  }, 'settings');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    work().then(
      () => {
        setBusy(false);
        reload();
      },
      (err: unknown) => {
        setBusy(false);
        setProblem(errorText(err));
      },
    );
  };

  if (state.kind === 'loading') return <LoadingSpinner label="Loading settings" />;
  if (state.kind === 'error')
    return (
      <Alert title="Could not load the settings" variant="error">
        {state.message}
      </Alert>
    );
  const { routing, acd, scripts } = state.data;
  return (
    <Flex direction="column" gap="medium">
      {problem ? (
        <Alert testId="problem" title="Not saved" variant="error">
          {problem}
        </Alert>
      ) : null}
      {routing ? (
        <RoutingSection routing={routing} busy={busy} act={act} />
      ) : (
        <Text testId="routing-unavailable">Numbers, hours and holidays are not available.</Text>
      )}
      <Divider />
      {acd ? (
        <AcdSection acd={acd} busy={busy} act={act} />
      ) : (
        <Text testId="acd-unavailable">Agents and queues are not available.</Text>
      )}
      <Divider />
      <ScriptsSection scripts={scripts} busy={busy} act={act} />
    </Flex>
  );
}

type Act = (work: () => Promise<unknown>) => void;

function RoutingSection({
  routing,
  busy,
  act,
}: {
  routing: RoutingSettingsView;
  busy: boolean;
  act: Act;
}) {
  const [hours, setHours] = useState(hoursText(routing.hours));
  const [hoursProblem, setHoursProblem] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(routing.emergency.enabled);
  const [text, setText] = useState(routing.emergency.text);
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  return (
    <Flex direction="column" gap="small">
      <Heading>Numbers and flows</Heading>
      <Table testId="numbers">
        <TableHead>
          <TableRow>
            <TableHeader>Number</TableHeader>
            <TableHeader>Label</TableHeader>
            <TableHeader>Flow</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {routing.numbers.map((n) => (
            <TableRow key={n.number}>
              <TableCell>{n.number}</TableCell>
              <TableCell>{n.label}</TableCell>
              <TableCell>{n.flow}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Heading>Opening hours ({routing.timeZone})</Heading>
      {routing.hours.map((h, i) => (
        <Text key={`${h.day}-${i}`}>
          {DAYS[h.day]} {h.open}–{h.close}
        </Text>
      ))}
      <TextArea
        testId="hours-text"
        name="hours"
        label="Hours, one range per line (Mon 08:30-18:00); a day not listed is closed"
        value={hours}
        onChange={setHours}
      />
      {hoursProblem ? <Text testId="hours-error">{hoursProblem}</Text> : null}
      <Button
        testId="save-hours"
        disabled={busy}
        onClick={() => {
          const parsed = parseHours(hours);
          if ('problem' in parsed) return setHoursProblem(parsed.problem);
          setHoursProblem(null);
          act(() => sidecar.setHours(parsed.hours));
        }}
      >
        Save hours
      </Button>
      <Heading>Holidays</Heading>
      {routing.holidays.map((h) => (
        <Flex key={`${h.date}-${h.name}`} direction="row" gap="small" align="center">
          <Text>
            {h.to && h.to !== h.date ? `${h.date}–${h.to}` : h.date} {h.name}
            {h.text ? ` — "${h.text}"` : ''}
          </Text>
          {/* Entries from the flows file are changed there; the sidecar refuses removing them. */}
          {h.removable === false ? null : (
            <Button
              testId={`remove-holiday-${h.date}`}
              size="xs"
              variant="secondary"
              disabled={busy}
              onClick={() => act(() => sidecar.removeHoliday(h.date))}
            >
              Remove
            </Button>
          )}
        </Flex>
      ))}
      <Flex direction="row" gap="small" align="end">
        <Input
          testId="holiday-date"
          name="date"
          label="Date (YYYY-MM-DD)"
          value={date}
          onChange={setDate}
        />
        <Input testId="holiday-name" name="name" label="Name" value={name} onChange={setName} />
        <Input
          testId="holiday-text"
          name="text"
          label="Message callers hear (optional, spoken)"
          value={message}
          onChange={setMessage}
        />
        <Button
          testId="add-holiday"
          disabled={busy || date === '' || name === ''}
          onClick={() => act(() => sidecar.addHoliday(date, name, message))}
        >
          Add holiday
        </Button>
      </Flex>
      <Heading>Emergency announcement</Heading>
      <Toggle
        testId="emergency-enabled"
        label="Play before every call"
        checked={enabled}
        onChange={setEnabled}
      />
      <TextArea
        testId="emergency-text"
        name="emergency"
        label="Announcement"
        value={text}
        onChange={setText}
      />
      <Button
        testId="save-emergency"
        variant="primary"
        disabled={busy}
        onClick={() => act(() => sidecar.setEmergency(enabled, text))}
      >
        Save announcement
      </Button>
    </Flex>
  );
}

function AcdSection({ acd, busy, act }: { acd: AcdOverview; busy: boolean; act: Act }) {
  return (
    <Flex direction="column" gap="small">
      <Heading>Agents and skills</Heading>
      <Table testId="agents">
        <TableHead>
          <TableRow>
            <TableHeader>Agent</TableHeader>
            <TableHeader>Skills</TableHeader>
            <TableHeader>State</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {acd.agents.map((a) => (
            <TableRow key={a.id}>
              <TableCell>{a.name}</TableCell>
              <TableCell>{a.skills.join(', ')}</TableCell>
              <TableCell>{a.state}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Heading>Queues and strategies</Heading>
      {acd.queues.map((q) => (
        <Select
          key={q.id}
          testId={`strategy-${q.id}`}
          label={`${q.name} (${q.skills.join(', ') || 'any skill'})`}
          value={q.strategy}
          readOnly={busy}
          options={acd.strategies.map((s) => ({ label: s, value: s }))}
          onChange={(v) => act(() => sidecar.setQueueStrategy(q.id, String(v)))}
        />
      ))}
    </Flex>
  );
}

function ScriptsSection({
  scripts,
  busy,
  act,
}: {
  scripts: CallScript[];
  busy: boolean;
  act: Act;
}) {
  const [json, setJson] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const add = () => {
    let definition: Record<string, unknown>;
    try {
      definition = JSON.parse(json) as Record<string, unknown>;
    } catch (err) {
      setParseError(`Not JSON: ${errorText(err)}`);
      return;
    }
    setParseError(null);
    act(() => sidecar.createScript(definition));
  };
  return (
    <Flex direction="column" gap="small">
      <Heading>Call scripts</Heading>
      {scripts.map((s) => (
        <Flex key={s.id} direction="row" gap="small" align="center">
          <Text>
            {s.callType}: {s.name} ({s.steps.length} steps)
          </Text>
          <Button
            testId={`delete-script-${s.id}`}
            size="xs"
            variant="destructive"
            disabled={busy}
            onClick={() => act(() => sidecar.deleteScript(s.id))}
          >
            Delete
          </Button>
        </Flex>
      ))}
      <TextArea
        testId="script-json"
        name="script"
        label="New script (JSON: callType, name, steps)"
        value={json}
        onChange={setJson}
      />
      {parseError ? <Text testId="script-json-error">{parseError}</Text> : null}
      <Button testId="add-script" disabled={busy || json.trim() === ''} onClick={add}>
        Add script
      </Button>
    </Flex>
  );
}
