// Flows by called number on the real Asterisk: opening hours (controllable clock), holidays
// and closures with their own message, the emergency announcement switched from the CRM API,
// an IVR with wrong keys and timeouts, the queue node's overflow, and reload without restart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { jsonRequest } from '../support/json-request.ts';
import { FlowsConfigError } from '../../sidecar/src/routing/flow-schema.ts';
import { ShiftedClock, TestQueues, tempDir, writeFlows } from '../support/routing.ts';

const MONDAY_10_ROME = Date.UTC(2026, 10, 23, 9, 0); // 10:00 in Rome (CET)
const MONDAY_20_ROME = Date.UTC(2026, 10, 23, 19, 0);
const CHRISTMAS = Date.UTC(2026, 11, 25, 9, 0);

const flows = {
  queues: ['support', 'sales', 'operator'],
  calendars: {
    office: {
      timeZone: 'Europe/Rome',
      hours: {
        mon: [
          ['09:00', '13:00'],
          ['14:00', '18:00'],
        ],
        tue: [['09:00', '18:00']],
      },
      holidays: [{ name: 'Christmas', from: '2026-12-25', media: 'sound:beep' }],
    },
  },
  numbers: {
    '0577235501': 'main',
    '0577235502': 'ivr',
    '0577235503': 'info',
    '0577235504': 'typo',
  },
  default: 'fallthrough',
  flows: {
    fallthrough: [{ type: 'play', media: 'sound:beep' }, { type: 'hangup' }],
    main: [
      { type: 'announcement', id: 'emergency', media: 'sound:beep', then: 'hangup' },
      {
        type: 'time-switch',
        calendar: 'office',
        open: [{ type: 'queue', queue: 'support', overflow: [{ type: 'goto', flow: 'closed' }] }],
        closed: [{ type: 'goto', flow: 'closed' }],
      },
    ],
    closed: [{ type: 'play', media: 'sound:beep' }, { type: 'hangup' }],
    info: [
      { type: 'gather', prompt: 'sound:beep', variable: 'code', maxDigits: 8, timeoutMs: 3000 },
      { type: 'say', kind: 'digits', value: '{code}' },
      { type: 'say', kind: 'number', value: '{code}' },
      { type: 'say', kind: 'date', value: 'today' },
      { type: 'hangup' },
    ],
    typo: [{ type: 'play', media: 'sound:no-such-prompt' }, { type: 'hangup' }],
    ivr: [
      {
        type: 'menu',
        prompt: 'sound:beep',
        timeoutMs: 800,
        retries: 2,
        invalidMedia: 'sound:beep',
        timeoutMedia: 'sound:beep',
        options: {
          '1': [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }],
          '2': [{ type: 'queue', queue: 'sales', overflow: [{ type: 'hangup' }] }],
        },
        fallback: [{ type: 'queue', queue: 'operator', overflow: [{ type: 'hangup' }] }],
      },
    ],
  },
};

const TOKEN = 'routing-admin-token-0123456789';
let sidecar: TestSidecar;
const clock = new ShiftedClock();
const queues = new TestQueues(['support', 'sales', 'operator']);
let flowsFile: string;

before(async () => {
  const dir = tempDir('flows');
  flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, flows);
  sidecar = await startTestSidecar(
    { FLOWS_FILE: flowsFile, FLOWS_WATCH: 'false', DATA_DIR: dir, ADMIN_API_TOKEN: TOKEN },
    'flows',
    { clock, queues },
  );
});
after(async () => {
  await sidecar.shutdown();
});

const api = (method: string, p: string, body?: unknown) =>
  jsonRequest(sidecar.url, method, p, body, TOKEN);

test('the routing API refuses requests without an account', async () => {
  assert.equal((await jsonRequest(sidecar.url, 'GET', '/api/routing/flows')).status, 401);
  const wrong = await jsonRequest(
    sidecar.url,
    'PUT',
    '/api/routing/announcements/emergency',
    { enabled: true },
    'x'.repeat(30),
  );
  assert.equal(wrong.status, 401);
  assert.equal((await api('GET', '/api/routing/announcements/emergency')).status, 200);
});

test('open hours: the caller reaches the support queue', async () => {
  clock.setTo(MONDAY_10_ROME);
  const before = queues.asked.length;
  const call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.equal(queues.asked.length, before + 1);
  assert.equal(queues.asked.at(-1)!.queueId, 'support');
  assert.match(call.note ?? '', /Route: time:open → queue:support/);
});

test('closed hours: the closed message, no queue', async () => {
  clock.setTo(MONDAY_20_ROME);
  const before = queues.asked.length;
  const call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.equal(queues.asked.length, before);
  assert.match(call.note ?? '', /Route: time:closed/);
  assert.equal(call.outcome, 'COMPLETED');
});

test('holiday from the file, closure added from the CRM API, each with its own route', async () => {
  clock.setTo(CHRISTMAS);
  let call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /time:holiday\(Christmas\)/);

  const refused = await api('POST', '/api/routing/calendars/office/exceptions', {
    kind: 'holiday',
    name: 'Christmas again',
    from: '2026-12-24',
    to: '2026-12-26',
  });
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(refused.body), /overlaps 'Christmas'/);

  const created = await api('POST', '/api/routing/calendars/office/exceptions', {
    kind: 'closure',
    name: 'Inventory',
    from: '2026-11-23',
    to: '2026-11-24',
    media: 'sound:beep',
  });
  assert.equal(created.status, 201);
  clock.setTo(MONDAY_10_ROME);
  call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /time:closure\(Inventory\)/);
  const id = (created.body as { id: string }).id;
  assert.equal((await api('DELETE', `/api/routing/calendars/office/exceptions/${id}`)).status, 204);
  call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /time:open/);
});

test('hours changed from the CRM apply to the next call', async () => {
  clock.setTo(MONDAY_20_ROME);
  const put = await api('PUT', '/api/routing/calendars/office', {
    hours: { mon: [['08:00', '22:00']] },
  });
  assert.equal(put.status, 200);
  let call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /time:open/);
  const bad = await api('PUT', '/api/routing/calendars/office', {
    hours: { mon: [['25:00', '22:00']] },
  });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /hours\.mon\[0\]: bad time range/);
  await api('PUT', '/api/routing/calendars/office', { hours: null });
  call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /time:closed/);
});

test('emergency announcement switched on at run time plays and ends the call; off again routes normally', async () => {
  clock.setTo(MONDAY_10_ROME);
  const on = await api('PUT', '/api/routing/announcements/emergency', {
    enabled: true,
    text: 'Gas leak in the area',
  });
  assert.equal(on.status, 200);
  const before = queues.asked.length;
  let call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /Route: announcement:emergency$/m);
  assert.equal(queues.asked.length, before);
  await api('PUT', '/api/routing/announcements/emergency', { enabled: false });
  call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
  assert.match(call.note ?? '', /queue:support/);
});

test('IVR: a wrong key is re-asked, then the valid one is taken', async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235502', digits: '92' });
  assert.match(call.note ?? '', /Route: menu:2 → queue:sales/);
  assert.equal(queues.asked.at(-1)!.queueId, 'sales');
});

test('IVR: no key at all → bounded retries, then the operator fallback', async () => {
  const started = Date.now();
  const call = await sidecar.call({ from: '+390577111222', to: '0577235502' });
  assert.match(call.note ?? '', /Route: menu:fallback → queue:operator/);
  assert.match(call.note ?? '', /timeout, timeout, timeout/);
  assert.equal(queues.asked.at(-1)!.queueId, 'operator');
  assert.ok(Date.now() - started < 15_000);
});

test('IVR: wrong keys three times → operator', async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235502', digits: '789' });
  assert.match(call.note ?? '', /invalid 7, invalid 8, invalid 9/);
  assert.equal(queues.asked.at(-1)!.queueId, 'operator');
});

test('queue overflow continues the flow (V7) with the reason in the note', async () => {
  clock.setTo(MONDAY_10_ROME);
  queues.results.set('support', () => ({ kind: 'overflow', reason: 'max-wait', waitMs: 120_000 }));
  try {
    const call = await sidecar.call({ from: '+390577111222', to: '0577235501' });
    assert.match(call.note ?? '', /queue:support → overflow:max-wait/);
    assert.match(call.note ?? '', /waited 120 s without an answer/);
  } finally {
    queues.results.delete('support');
  }
});

test("gather a code, then say it as digits and as a number, and today's date", async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235503', digits: '42#' });
  assert.equal(call.outcome, 'COMPLETED');
  assert.doesNotMatch(call.note ?? '', /Could not play/);
  // digits:42 + number:42 + weekday, month, day and year take well over two seconds.
  assert.ok(call.endedAt - call.answeredAt! > 2000, `${call.endedAt - call.answeredAt!} ms`);
});

test('a prompt that does not exist is reported on the call, not silently skipped', async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235504' });
  assert.match(call.note ?? '', /Could not play sound:no-such-prompt/);
});

test('unknown DID → default flow', async () => {
  const before = queues.asked.length;
  const call = await sidecar.call({ from: '+390577111222', to: '0999999' });
  assert.doesNotMatch(call.note ?? '', /Route:/);
  assert.equal(call.outcome, 'COMPLETED');
  assert.equal(queues.asked.length, before);
});

test('reload: a bad file is refused and the old flows keep working; a good one applies', async () => {
  const original = readFileSync(flowsFile, 'utf8');
  const broken = parse(original) as typeof flows;
  (broken.flows.ivr[0] as unknown as { type: string }).type = 'dance';
  writeFlows(flowsFile, broken);
  const refused = await api('POST', '/api/routing/flows/reload');
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(refused.body), /flows\.ivr\[0\]\.type: unknown node type/);
  let call = await sidecar.call({ from: '+390577111222', to: '0577235502', digits: '1' });
  assert.match(call.note ?? '', /menu:1/);

  const changed = parse(original) as typeof flows & { numbers: Record<string, string> };
  changed.numbers['0577235502'] = 'closed';
  writeFlows(flowsFile, changed);
  assert.equal((await api('POST', '/api/routing/flows/reload')).status, 200);
  call = await sidecar.call({ from: '+390577111222', to: '0577235502', digits: '1' });
  assert.doesNotMatch(call.note ?? '', /Route:/);
});

test('a bad flows file stops the start, naming the bad place', async () => {
  const dir = tempDir('badflows');
  const file = path.join(dir, 'flows.yaml');
  writeFlows(file, {
    queues: ['support'],
    default: 'main',
    flows: { main: [{ type: 'queue', queue: 'billing', overflow: [] }, { type: 'fly' }] },
  });
  await assert.rejects(
    startTestSidecar({ FLOWS_FILE: file, DATA_DIR: dir }, 'badflows'),
    (err: unknown) =>
      err instanceof FlowsConfigError &&
      err.problems.some((p) => p.startsWith('flows.main[1].type: unknown node type "fly"')),
  );
});
