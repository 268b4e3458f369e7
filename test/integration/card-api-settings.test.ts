// The settings page's routing part end to end: what an admin saves through the signed card API
// (emergency announcement, opening hours, holidays) is what the next real call through Asterisk
// does; bad input is refused naming the field; another portal's changes do not touch this one.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { ShiftedClock, TestQueues, tempDir, writeFlows } from '../support/routing.ts';
import { cardClient } from '../support/signed-card-request.ts';

const PUBLIC_URL = 'https://sidecar.example.com';
const SECRET = 'settings-secret';
const PORTAL = '4242';
const MONDAY_10_ROME = Date.UTC(2026, 10, 23, 9, 0);
const MONDAY_20_ROME = Date.UTC(2026, 10, 23, 19, 0);

const flows = {
  queues: ['support'],
  calendars: {
    office: {
      timeZone: 'Europe/Rome',
      hours: { mon: [['09:00', '18:00']] },
      holidays: [{ name: 'Christmas', from: '2026-12-25' }],
    },
  },
  numbers: { '0577235501': 'main' },
  default: 'main',
  flows: {
    main: [
      { type: 'announcement', id: 'emergency', media: 'sound:beep', then: 'hangup' },
      {
        type: 'time-switch',
        calendar: 'office',
        open: [{ type: 'queue', queue: 'support', overflow: [{ type: 'hangup' }] }],
        closed: [{ type: 'play', media: 'sound:beep' }, { type: 'hangup' }],
      },
    ],
  },
};

let sidecar: TestSidecar;
const clock = new ShiftedClock();
const queues = new TestQueues(['support']);
let signedBy: ReturnType<typeof cardClient>;
/** Signed at the sidecar's (shifted) time, as HubSpot would sign at that moment. */
const req: ReturnType<typeof cardClient> = (method, p, opts = {}) =>
  signedBy(method, p, { timestamp: clock.now(), ...opts });

before(async () => {
  const dir = tempDir('settings');
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, flows);
  sidecar = await startTestSidecar(
    {
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      DATA_DIR: dir,
      PUBLIC_URL,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_PORTAL_ID: PORTAL,
    },
    'cardsettings',
    { clock, queues },
  );
  signedBy = cardClient(sidecar.url, PUBLIC_URL, SECRET);
});
after(async () => {
  await sidecar.shutdown();
});

const callMain = () => sidecar.call({ from: '+390577111222', to: '0577235501' });

interface RoutingView {
  timeZone: string;
  numbers: { number: string; label: string; flow: string }[];
  hours: { day: number; open: string; close: string }[];
  holidays: { date: string; name: string; kind: string; to: string; removable: boolean }[];
  emergency: { enabled: boolean; text: string };
}
const routingOf = (body: Record<string, unknown>) => body.routing as RoutingView;

test('the page reads numbers and flows, hours, holidays and the announcement from routing', async () => {
  const res = await req('GET', '/api/cards/settings', { portalId: PORTAL });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(routingOf(res.body), {
    timeZone: 'Europe/Rome',
    numbers: [{ number: '+390577235501', label: '0577235501', flow: 'main' }],
    hours: [{ day: 1, open: '09:00', close: '18:00' }],
    holidays: [
      {
        date: '2026-12-25',
        name: 'Christmas',
        kind: 'holiday',
        to: '2026-12-25',
        removable: false,
      },
    ],
    emergency: { enabled: false, text: '' },
  });
});

test('the emergency announcement saved on the page plays on the next call; off again routes normally', async () => {
  clock.setTo(MONDAY_10_ROME);
  const on = await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: true, text: 'Gas network works in Siena today.' },
  });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  assert.deepEqual(routingOf(on.body).emergency, {
    enabled: true,
    text: 'Gas network works in Siena today.',
  });
  const asked = queues.asked.length;
  let call = await callMain();
  assert.match(call.note ?? '', /Route: announcement:emergency$/m);
  assert.equal(queues.asked.length, asked, 'the announcement ends the call before the queue');

  const off = await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: false, text: '' },
  });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  call = await callMain();
  assert.match(call.note ?? '', /time:open → queue:support/);
});

test("another portal's announcement does not reach this portal's calls", async () => {
  clock.setTo(MONDAY_10_ROME);
  const other = await req('PUT', '/api/cards/settings/emergency', {
    portalId: '5151',
    body: { enabled: true, text: 'Only for the other account' },
  });
  assert.equal(other.status, 200, JSON.stringify(other.body));
  const mine = await req('GET', '/api/cards/settings', { portalId: PORTAL });
  assert.equal(routingOf(mine.body).emergency.enabled, false);
  const call = await callMain();
  assert.match(call.note ?? '', /queue:support/);
});

test('opening hours saved on the page decide the next call; bad hours are refused naming the field', async () => {
  clock.setTo(MONDAY_20_ROME);
  let call = await callMain();
  assert.match(call.note ?? '', /time:closed/);

  const put = await req('PUT', '/api/cards/settings/hours', {
    portalId: PORTAL,
    body: { hours: [{ day: 1, open: '08:00', close: '22:00' }] },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(routingOf(put.body).hours, [{ day: 1, open: '08:00', close: '22:00' }]);
  call = await callMain();
  assert.match(call.note ?? '', /time:open/);

  const backwards = await req('PUT', '/api/cards/settings/hours', {
    portalId: PORTAL,
    body: { hours: [{ day: 1, open: '22:00', close: '08:00' }] },
  });
  assert.equal(backwards.status, 400);
  assert.match(JSON.stringify(backwards.body), /hours\.mon\[0\]: bad time range/);
  const badDay = await req('PUT', '/api/cards/settings/hours', {
    portalId: PORTAL,
    body: { hours: [{ day: 8, open: '08:00', close: '09:00' }] },
  });
  assert.equal(badDay.status, 400);
  assert.match(JSON.stringify(badDay.body), /hours\.0\.day: ISO weekday 1–7/);
  const badZone = await req('PUT', '/api/cards/settings/hours', {
    portalId: PORTAL,
    body: { hours: [], timeZone: 'Mars/Olympus' },
  });
  assert.equal(badZone.status, 400);
  assert.match(JSON.stringify(badZone.body), /timeZone: unknown time zone 'Mars\/Olympus'/);
  // The refused changes left the saved hours alone.
  call = await callMain();
  assert.match(call.note ?? '', /time:open/);
});

test('a holiday added on the page closes the day for the next call; removing it reopens', async () => {
  clock.setTo(MONDAY_10_ROME);
  const added = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '2026-11-23', name: 'Patron saint' },
  });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.ok(routingOf(added.body).holidays.some((h) => h.name === 'Patron saint' && h.removable));
  let call = await callMain();
  assert.match(call.note ?? '', /time:holiday\(Patron saint\)/);

  const overlap = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '2026-11-23', name: 'Twice' },
  });
  assert.equal(overlap.status, 400);
  assert.match(JSON.stringify(overlap.body), /overlaps 'Patron saint'/);
  const badDate = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '23/11/2026', name: 'Wrong format' },
  });
  assert.equal(badDate.status, 400);
  assert.match(JSON.stringify(badDate.body), /date: a date YYYY-MM-DD/);
  const fromFile = await req('DELETE', '/api/cards/settings/holidays/2026-12-25', {
    portalId: PORTAL,
  });
  assert.equal(fromFile.status, 400);
  assert.match(JSON.stringify(fromFile.body), /comes from the flows file/);

  const removed = await req('DELETE', '/api/cards/settings/holidays/2026-11-23', {
    portalId: PORTAL,
  });
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  call = await callMain();
  assert.match(call.note ?? '', /time:open/);
});

test('a closure period added on the page covers its days with the closure route', async () => {
  clock.setTo(MONDAY_10_ROME);
  const backwards = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '2026-11-24', to: '2026-11-20', name: 'Backwards', kind: 'closure' },
  });
  assert.equal(backwards.status, 400);
  assert.match(JSON.stringify(backwards.body), /'Backwards': bad dates 2026-11-24\.\.2026-11-20/);
  const added = await req('POST', '/api/cards/settings/holidays', {
    portalId: PORTAL,
    body: { date: '2026-11-22', to: '2026-11-24', name: 'Inventory', kind: 'closure' },
  });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.ok(
    routingOf(added.body).holidays.some(
      (h) => h.kind === 'closure' && h.date === '2026-11-22' && h.to === '2026-11-24',
    ),
  );
  let call = await callMain();
  assert.match(call.note ?? '', /time:closure\(Inventory\)/);
  assert.equal(
    (await req('DELETE', '/api/cards/settings/holidays/2026-11-22', { portalId: PORTAL })).status,
    200,
  );
  call = await callMain();
  assert.match(call.note ?? '', /time:open/);
  const unknown = await req('DELETE', '/api/cards/settings/holidays/2026-11-22', {
    portalId: PORTAL,
  });
  assert.equal(unknown.status, 400);
  assert.match(JSON.stringify(unknown.body), /no holiday or closure starts on 2026-11-22/);
});

test('an enabled announcement without text is refused naming the field', async () => {
  const res = await req('PUT', '/api/cards/settings/emergency', {
    portalId: PORTAL,
    body: { enabled: true, text: '  ' },
  });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body), /text: an enabled announcement needs a text/);
});
