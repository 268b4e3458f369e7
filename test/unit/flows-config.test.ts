// The flows file is refused at load with a message naming the bad place; calendars decide
// open / closed / holiday / closure in the office's time zone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarStateAt, type Calendar } from '../../sidecar/src/domain/calendar.ts';
import { FlowsConfigError, parseFlows } from '../../sidecar/src/routing/flow-schema.ts';
import { readFlowsFile } from '../../sidecar/src/routing/flow-store.ts';
import { isPaidStatus } from '../../sidecar/src/routing/nodes/support-gate.ts';
import { endpointOfChannelName } from '../../sidecar/src/routing/nodes/park.ts';
import { parseRange } from '../../sidecar/src/recordings/http.ts';
import { RecordingLinks } from '../../sidecar/src/recordings/links.ts';

const valid = {
  queues: ['support', 'sales'],
  calendars: {
    office: {
      timeZone: 'Europe/Rome',
      hours: {
        mon: [
          ['09:00', '13:00'],
          ['14:00', '18:00'],
        ],
      },
      holidays: [{ name: 'Christmas', from: '2026-12-25', media: 'sound:xmas' }],
      closures: [{ name: 'Summer', from: '2026-08-10', to: '2026-08-20' }],
    },
  },
  numbers: { '0577235501': 'main' },
  default: 'main',
  flows: {
    main: [
      {
        type: 'time-switch',
        calendar: 'office',
        open: [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }],
        closed: [{ type: 'play', media: 'sound:closed' }],
      },
    ],
  },
};

function problemsOf(doc: unknown): string[] {
  try {
    parseFlows(doc);
  } catch (err) {
    assert.ok(err instanceof FlowsConfigError, String(err));
    return [...err.problems];
  }
  assert.fail('expected the configuration to be refused');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

test('a valid flows file loads, with defaults filled in', () => {
  const file = parseFlows(valid);
  const node = file.flows.main![0]!;
  assert.equal(node.type, 'time-switch');
});

test('the shipped flows file (npm start) is valid and keeps the greeting as default', async () => {
  const file = await readFlowsFile(new URL('../../sidecar/flows.yaml', import.meta.url).pathname);
  assert.equal(file.default, 'greeting');
  assert.deepEqual(file.flows.greeting![0], { type: 'play', media: 'sound:hello-world' });
});

test('an unknown node type is refused, naming the node path', () => {
  const doc = clone(valid) as { flows: { main: { open: unknown[] }[] } };
  doc.flows.main[0]!.open = [{ type: 'dance' }];
  const problems = problemsOf(doc);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^flows\.main\[0\]\.open\[0\]\.type: unknown node type "dance"/);
});

test('a queue that is not declared is refused, naming the node', () => {
  const doc = clone(valid) as { flows: { main: { open: { queue: string }[] }[] } };
  doc.flows.main[0]!.open[0]!.queue = 'billing';
  assert.deepEqual(problemsOf(doc), [
    "flows.main[0].open[0].queue: unknown queue 'billing' (declare it under 'queues')",
  ]);
});

test('missing branch targets, flows and calendars are named', () => {
  const doc = clone(valid) as Record<string, unknown> & { flows: Record<string, unknown[]> };
  doc.flows.other = [
    { type: 'goto', flow: 'nowhere' },
    { type: 'time-switch', calendar: 'x', open: [], closed: [] },
  ];
  doc.numbers = { '123': 'ghost' };
  const problems = problemsOf(doc);
  assert.ok(problems.includes("flows.other[0].flow: no flow named 'nowhere'"), problems.join('\n'));
  assert.ok(
    problems.includes("flows.other[1].calendar: no calendar named 'x'"),
    problems.join('\n'),
  );
  assert.ok(problems.includes("numbers.123: no flow named 'ghost'"), problems.join('\n'));
});

test('a menu without its fallback branch is refused, naming the branch', () => {
  const doc = clone(valid) as { flows: Record<string, unknown[]> };
  doc.flows.menu = [{ type: 'menu', prompt: 'sound:x', options: { '1': [] } }];
  assert.deepEqual(problemsOf(doc), ['flows.menu[0].fallback: missing branch (a list of nodes)']);
});

test('overlapping holidays and bad times are refused with the calendar place', () => {
  const doc = clone(valid) as { calendars: { office: Record<string, unknown> } };
  doc.calendars.office.holidays = [
    { name: 'Christmas', from: '2026-12-24', to: '2026-12-26' },
    { name: 'Santo Stefano', from: '2026-12-26' },
  ];
  doc.calendars.office.hours = {
    tue: [['09:00', '08:00']],
    wed: [
      ['09:00', '12:00'],
      ['11:00', '13:00'],
    ],
  };
  doc.calendars.office.timeZone = 'Mars/Olympus';
  const problems = problemsOf(doc);
  assert.ok(
    problems.includes(
      "calendars.office.holidays[1]: holiday 'Santo Stefano' (2026-12-26..2026-12-26) overlaps 'Christmas' (2026-12-24..2026-12-26)",
    ),
    problems.join('\n'),
  );
  assert.ok(problems.some((p) => p.startsWith('calendars.office.hours.tue[0]: bad time range')));
  assert.ok(
    problems.some((p) =>
      p.startsWith('calendars.office.hours.wed[1]: time range 11:00-13:00 overlaps'),
    ),
  );
  assert.ok(problems.includes("calendars.office.timeZone: unknown time zone 'Mars/Olympus'"));
});

test('calendar: hours in the office time zone, holidays, closures winning over holidays', () => {
  const cal: Calendar = {
    timeZone: 'Europe/Rome',
    hours: { mon: [['09:00', '13:00']] },
    exceptions: [
      { id: 'h', kind: 'holiday', name: 'Ferragosto', from: '2026-08-15', to: '2026-08-15' },
      { id: 'c', kind: 'closure', name: 'Summer', from: '2026-08-10', to: '2026-08-20' },
    ],
  };
  // Monday 2026-11-23, 09:30 in Rome = 08:30 UTC.
  assert.equal(calendarStateAt(cal, Date.UTC(2026, 10, 23, 8, 30)).kind, 'open');
  // 08:30 in Rome = 07:30 UTC: not yet open.
  assert.equal(calendarStateAt(cal, Date.UTC(2026, 10, 23, 7, 30)).kind, 'closed');
  // 13:00 sharp is closed (end exclusive).
  assert.equal(calendarStateAt(cal, Date.UTC(2026, 10, 23, 12, 0)).kind, 'closed');
  const aug15 = calendarStateAt(cal, Date.UTC(2026, 7, 15, 9, 0));
  assert.equal(aug15.kind, 'closure');
  assert.equal(
    calendarStateAt({ ...cal, exceptions: [cal.exceptions[0]!] }, Date.UTC(2026, 7, 15, 9, 0)).kind,
    'holiday',
  );
});

test('paid statuses, parker endpoints, byte ranges and signed links', () => {
  assert.equal(isPaidStatus('Paid ', ['paid']), true);
  assert.equal(isPaidStatus('pending_authorization', ['paid']), false);
  assert.equal(isPaidStatus(null, ['paid']), false);
  assert.equal(endpointOfChannelName('PJSIP/101-0000002a'), 'PJSIP/101');
  assert.equal(
    endpointOfChannelName('Local/answer@test-callee-00000003;1'),
    'Local/answer@test-callee',
  );
  assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=990-', 1000), { start: 990, end: 999 });
  assert.equal(parseRange('bytes=1000-', 1000), 'invalid');
  let now = 1_000_000;
  const links = new RecordingLinks(
    () => 'https://x.example',
    Buffer.from('k'.repeat(32)),
    60,
    () => now,
  );
  const u = new URL(links.url('abc'));
  assert.equal(links.check('abc', u.searchParams.get('exp')!, u.searchParams.get('sig')!), 'ok');
  assert.equal(
    links.check('abd', u.searchParams.get('exp')!, u.searchParams.get('sig')!),
    'bad-signature',
  );
  assert.equal(links.check('abc', undefined, undefined), 'missing');
  now += 61_000;
  assert.equal(
    links.check('abc', u.searchParams.get('exp')!, u.searchParams.get('sig')!),
    'expired',
  );
});
