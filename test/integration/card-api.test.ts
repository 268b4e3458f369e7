// The card APIs (sidecar/src/cards) over real HTTP, on the real database and the strict
// HubSpot sandbox: every request must carry a valid v3 signature; the portal comes from the
// signed URL; portal A never sees or changes portal B's data; grant/revoke reach the CRM via
// the outbox; script answers and tickets are written once.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type RunningSandbox,
} from '../../sandbox/src/hubspot/index.ts';
import { wireCards } from '../../sidecar/src/cards/wire.ts';
import { CallSender } from '../../sidecar/src/crm/call-sender.ts';
import { HubSpotContactDirectory } from '../../sidecar/src/crm/contact-directory.ts';
import { HubSpotPortals } from '../../sidecar/src/crm/hubspot-portals.ts';
import { PropertyUpdateSender } from '../../sidecar/src/crm/property-update-sender.ts';
import { SharedPacer } from '../../sidecar/src/crm/shared-pacer.ts';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import { createHttpApp } from '../../sidecar/src/http/app.ts';
import { createLogger } from '../../sidecar/src/ops/logger.ts';
import { OutboxStore } from '../../sidecar/src/outbox/outbox-store.ts';
import { OutboxWorker } from '../../sidecar/src/outbox/outbox-worker.ts';
import { systemClock } from '../../sidecar/src/ports.ts';
import { CallLog } from '../../sidecar/src/store/call-log.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import {
  MemoryAcdAdmin,
  MemoryRememberedNumbers,
  MemoryRoutingSettings,
} from '../support/card-ports.ts';
import { testDatabaseUrl } from '../support/env.ts';
import { waitFor } from '../support/harness.ts';
import { jsonRequest } from '../support/json-request.ts';
import { cardClient } from '../support/signed-card-request.ts';

const SECRET = 'card-test-client-secret';
const PUBLIC_URL = 'https://sidecar.example.com';
// Fresh account ids per run: on MariaDB every test file shares one database.
const A = String(randomInt(10_000_000, 49_999_999));
const B = String(randomInt(50_000_000, 99_999_999));

let sandbox: HubSpotSandbox;
let running: RunningSandbox;
let token: string;
let ds: DataSource;
let server: Server;
let worker: OutboxWorker;
let callLog: CallLog;
let req: ReturnType<typeof cardClient>;
const remembered = new MemoryRememberedNumbers();
const routing = new MemoryRoutingSettings();
const acd = new MemoryAcdAdmin();
let mario: string;
let company: string;

const SCRIPT = {
  callType: 'gas-leak',
  name: 'Gas leak report',
  steps: [
    {
      id: 'smell',
      title: 'Smell',
      guidance: 'Ask calmly.',
      questions: [{ id: 'smell', prompt: 'Do you smell gas?', type: 'yes-no' }],
      branches: [{ questionId: 'smell', equals: false, goto: 'meter' }],
    },
    {
      id: 'evacuate',
      title: 'Safety',
      questions: [
        { id: 'people', prompt: 'How many people inside?', type: 'number' },
        { id: 'where', prompt: 'Where?', type: 'choice', choices: ['kitchen', 'cellar', 'street'] },
      ],
      next: null,
    },
    {
      id: 'meter',
      title: 'Meter',
      questions: [{ id: 'reading', prompt: 'Meter reading?', type: 'text', required: false }],
    },
  ],
};

async function supportProperty(): Promise<string | null> {
  const res = await jsonRequest(
    running.url,
    'GET',
    `/crm/v3/objects/contacts/${mario}?properties=centralino_support_status`,
    undefined,
    token,
  );
  return (res.body.properties as Record<string, string | null>).centralino_support_status ?? null;
}

function finishedCall(
  portalId: string,
  contactId: string | null,
  from = '+390577111222',
): FinishedCall {
  const startedAt = Date.now() - 60_000;
  return {
    id: randomUUID(),
    portalId,
    direction: 'INBOUND',
    fromNumber: from,
    toNumber: '+390577235501',
    contactId,
    startedAt,
    answeredAt: startedAt + 2000,
    endedAt: startedAt + 32_000,
    outcome: 'COMPLETED',
    note: null,
    recordingUrl: `https://sidecar.example.com/recordings/${randomUUID()}`,
  };
}

async function recordCall(call: FinishedCall): Promise<void> {
  await callLog.record(call, `chan-${call.id}`, 'NORMAL_CLEARING', { call });
}

async function outboxRows(prefix: string) {
  const rows = await ds.getRepository(OutboxEntity).find();
  return rows.filter((r) => r.dedupeKey.startsWith(prefix));
}

before(async () => {
  sandbox = createHubSpotSandbox({ defaultPortal: { portalId: Number(A) } });
  running = await sandbox.listen(0);
  token = sandbox.defaultPortal!.accessToken;
  const created = await jsonRequest(
    running.url,
    'POST',
    '/crm/v3/properties/contacts',
    {
      name: 'centralino_support_status',
      label: 'Support status',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'contactinformation',
      options: ['paid', 'unpaid', 'expired', 'pending_authorization'].map((v) => ({
        label: v,
        value: v,
      })),
    },
    token,
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  company = sandbox.seedObject(Number(A), 'companies', { properties: { name: 'Rossi Srl' } }).id;
  mario = sandbox.seedObject(Number(A), 'contacts', {
    properties: { firstname: 'Mario', lastname: 'Rossi', phone: '+390577111222' },
    associations: [
      {
        to: { id: company },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
      },
    ],
  }).id;

  ds = await openDataSource(testDatabaseUrl('cards'), { migrate: true });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const portals = new HubSpotPortals(running.url, () => [{ portalId: A, accessToken: token }]);
  const writeLimiter = new SharedPacer(ds, systemClock, 10, 'write');
  const outboxStore = new OutboxStore(ds, systemClock);
  callLog = new CallLog(ds, outboxStore);
  const cards = wireCards({
    ds,
    portals,
    writeLimiter,
    outboxStore,
    // The tests deliver explicitly (worker.runOnce) to observe the pending state first.
    nudgeOutbox: () => undefined,
    clock: systemClock,
    log,
    clientSecret: SECRET,
    publicUrl: PUBLIC_URL,
    supportStatusProperty: 'centralino_support_status',
    ports: { rememberedNumbers: remembered, routingSettings: routing, acdAdmin: acd },
  });
  const directory = new HubSpotContactDirectory(
    portals,
    new SharedPacer(ds, systemClock, 250, 'search'),
    systemClock,
  );
  // The senders production registers for these kinds (outbox/write-back.ts).
  worker = new OutboxWorker(
    outboxStore,
    [
      new CallSender(portals, writeLimiter, directory),
      new PropertyUpdateSender(portals, writeLimiter, outboxStore),
    ],
    log,
    { pollMs: 50, retryBaseMs: 10, retryCapMs: 40 },
  );
  const app = createHttpApp({
    log,
    routers: [cards.router],
    readiness: { database: () => Promise.resolve(true), ari: () => true, accepting: () => true },
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  req = cardClient(local, PUBLIC_URL, SECRET);
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await ds.destroy();
  await running.close();
});

test('a signed request is answered for the portal named in the signed URL', async () => {
  const res = await req('GET', '/api/cards/scripts', { portalId: A });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.scripts, []);
});

test('unsigned, wrongly signed, tampered and stale requests are refused with 401', async () => {
  const body = SCRIPT;
  const cases = {
    'no signature': { omitSignature: true },
    'wrong secret': { secret: 'not-the-client-secret' },
    'modified body': { sentBody: JSON.stringify({ ...SCRIPT, name: 'Changed in transit' }) },
    'stale timestamp': { timestamp: Date.now() - 6 * 60 * 1000 },
    'future timestamp': { timestamp: Date.now() + 6 * 60 * 1000 },
    'portal swapped after signing': { portalId: A, appendAfterSigning: `&portalId=${B}` },
  };
  for (const [name, opts] of Object.entries(cases)) {
    const res = await req('POST', '/api/cards/scripts', { portalId: A, body, ...opts });
    assert.equal(res.status, 401, `${name}: ${JSON.stringify(res.body)}`);
  }
  // Over HubSpot's 1 MB body limit: refused before anything is read.
  const huge = await req('POST', '/api/cards/scripts', {
    portalId: A,
    body: { ...SCRIPT, name: 'x'.repeat(1_100_000) },
  });
  assert.equal(huge.status, 413);
  // Nothing refused was acted on.
  const list = await req('GET', '/api/cards/scripts', { portalId: A });
  assert.deepEqual(list.body.scripts, []);
  // A request signed correctly but naming no account, or two, is refused as well.
  assert.equal((await req('GET', '/api/cards/scripts', { portalId: null })).status, 401);
  const two = await req('GET', '/api/cards/scripts', { portalId: A, extraQuery: `&portalId=${B}` });
  assert.equal(two.status, 401);
  assert.equal((two.body.error as { code: string }).code, 'NO_PORTAL');
});

test('call scripts: create, validate, update, delete — each portal sees only its own', async () => {
  const bad = await req('POST', '/api/cards/scripts', {
    portalId: A,
    body: {
      ...SCRIPT,
      steps: [
        { id: 'a', title: 'A', branches: [{ questionId: 'x', equals: true, goto: 'nowhere' }] },
      ],
    },
  });
  assert.equal(bad.status, 400);
  assert.ok(JSON.stringify(bad.body).includes('nowhere'), JSON.stringify(bad.body));

  const a = await req('POST', '/api/cards/scripts', { portalId: A, body: SCRIPT });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const b = await req('POST', '/api/cards/scripts', {
    portalId: B,
    body: { ...SCRIPT, name: 'B script' },
  });
  assert.equal(b.status, 200);
  const aId = (a.body.script as { id: string }).id;
  const bId = (b.body.script as { id: string }).id;

  const dup = await req('POST', '/api/cards/scripts', { portalId: A, body: SCRIPT });
  assert.equal(dup.status, 409);

  const listA = (await req('GET', '/api/cards/scripts', { portalId: A })).body.scripts as {
    id: string;
  }[];
  assert.deepEqual(
    listA.map((s) => s.id),
    [aId],
  );

  // A cannot change or delete B's script: to A it does not exist.
  const put = await req('PUT', `/api/cards/scripts/${bId}`, {
    portalId: A,
    body: { ...SCRIPT, name: 'hijacked' },
  });
  assert.equal(put.status, 404);
  assert.equal((await req('DELETE', `/api/cards/scripts/${bId}`, { portalId: A })).status, 404);
  const listB = (await req('GET', '/api/cards/scripts', { portalId: B })).body.scripts as {
    name: string;
  }[];
  assert.deepEqual(
    listB.map((s) => s.name),
    ['B script'],
  );

  const renamed = await req('PUT', `/api/cards/scripts/${bId}`, {
    portalId: B,
    body: { ...SCRIPT, name: 'B v2' },
  });
  assert.equal(renamed.status, 200);
  assert.equal((renamed.body.script as { name: string }).name, 'B v2');
  assert.equal((await req('DELETE', `/api/cards/scripts/${bId}`, { portalId: B })).status, 200);
  assert.deepEqual((await req('GET', '/api/cards/scripts', { portalId: B })).body.scripts, []);
});

test('script answers are stored with the call and queued as one timeline event', async () => {
  const script = (
    (await req('GET', '/api/cards/scripts', { portalId: A })).body.scripts as { id: string }[]
  )[0]!;
  const call = finishedCall(A, mario);
  await recordCall(call);
  const record = { objectType: 'contacts', objectId: mario };
  const answers = { smell: { smell: true }, evacuate: { people: 3, where: 'kitchen' } };

  const wrong = await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: { callId: call.id, scriptId: script.id, record, answers: { smell: { smell: 'yes' } } },
  });
  assert.equal(wrong.status, 400);
  assert.ok(JSON.stringify(wrong.body).includes('smell.smell'), JSON.stringify(wrong.body));
  const offPath = await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: {
      callId: call.id,
      scriptId: script.id,
      record,
      answers: { ...answers, meter: { reading: '1' } },
    },
  });
  assert.equal(offPath.status, 400);

  // Portal B cannot attach answers to A's call.
  const foreign = await req('POST', '/api/cards/script-answers', {
    portalId: B,
    body: { callId: call.id, scriptId: script.id, record, answers },
  });
  assert.equal(foreign.status, 404);

  const saved = await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: { callId: call.id, scriptId: script.id, record, answers },
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const summary = (saved.body.answers as { summary: string }).summary;
  assert.equal(summary, 'Do you smell gas? yes\nHow many people inside? 3\nWhere? kitchen');

  const again = await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: { callId: call.id, scriptId: script.id, record, answers },
  });
  assert.equal(again.status, 200);
  assert.equal(again.body.created, false);
  const changed = await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: {
      callId: call.id,
      scriptId: script.id,
      record,
      answers: { smell: { smell: false }, meter: {} },
    },
  });
  assert.equal(changed.status, 409);

  const events = await outboxRows(`timeline:script-${call.id}-`);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.kind, 'timeline-event');
  assert.equal(events[0]!.portalId, A);
  const payload = JSON.parse(events[0]!.payload) as Record<string, unknown>;
  assert.equal(payload.template, 'script-answers');
  assert.deepEqual(payload.object, { objectType: 'contacts', id: mario });
  assert.equal((payload.tokens as Record<string, string>).summary, summary);
  assert.equal((payload.tokens as Record<string, string>).complete, 'yes');
});

test('grant and revoke reach the CRM property through the outbox, once per click', async () => {
  const record = { objectType: 'contacts', objectId: mario };
  const before = await req('GET', `/api/cards/caller?objectType=contacts&objectId=${mario}`, {
    portalId: A,
  });
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.deepEqual(before.body.support, {
    property: 'centralino_support_status',
    status: null,
    raw: null,
    pending: null,
  });

  const click = randomUUID();
  const grant = await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'grant', requestId: click },
  });
  assert.equal(grant.status, 200, JSON.stringify(grant.body));
  // HubSpot retries a hubspot.fetch once on 5xx: the same click queues nothing more.
  await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'grant', requestId: click },
  });
  assert.equal((await outboxRows(`props:contacts:${mario}:support-${A}-grant-${click}`)).length, 1);

  const pending = await req('GET', `/api/cards/caller?objectType=contacts&objectId=${mario}`, {
    portalId: A,
  });
  assert.deepEqual((pending.body.support as { pending: unknown }).pending, {
    action: 'grant',
    status: 'paid',
  });
  assert.equal(await supportProperty(), null);

  await worker.runOnce();
  assert.equal(await supportProperty(), 'paid');
  const after = await req('GET', `/api/cards/caller?objectType=contacts&objectId=${mario}`, {
    portalId: A,
  });
  assert.equal((after.body.support as { status: string }).status, 'paid');
  assert.equal((after.body.support as { pending: unknown }).pending, null);

  await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'revoke', requestId: randomUUID() },
  });
  await worker.runOnce();
  assert.equal(await supportProperty(), 'unpaid');

  const badAction = await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'make-vip', requestId: randomUUID() },
  });
  assert.equal(badAction.status, 400);
});

test('a revoke queued behind a failed grant waits for it, so the last click wins', async () => {
  const record = { objectType: 'contacts', objectId: mario };
  sandbox.setFaults({
    failNext: { count: 1, status: 503 },
    pathPrefix: '/crm/v3/objects/contacts/batch/update',
  });
  const grant = randomUUID();
  const revoke = randomUUID();
  await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'grant', requestId: grant },
  });
  await req('POST', '/api/cards/support', {
    portalId: A,
    body: { record, action: 'revoke', requestId: revoke },
  });
  await worker.runOnce(); // one batch with both meets the 503: both wait
  const rowOf = async (action: string, id: string) =>
    (await outboxRows(`props:contacts:${mario}:support-${A}-${action}-${id}`))[0]!;
  assert.equal((await rowOf('grant', grant)).state, 'pending');
  assert.equal((await rowOf('revoke', revoke)).state, 'pending');
  assert.equal(await supportProperty(), 'unpaid');
  sandbox.clearFaults();
  // The revoke falls due before the grant: it still waits for it.
  const repo = ds.getRepository(OutboxEntity);
  await repo.update(
    { id: (await rowOf('grant', grant)).id },
    { nextAttemptAt: Date.now() + 3_600_000 },
  );
  await repo.update({ id: (await rowOf('revoke', revoke)).id }, { nextAttemptAt: Date.now() - 1 });
  await worker.runOnce();
  assert.equal((await rowOf('revoke', revoke)).state, 'pending');
  assert.equal((await rowOf('revoke', revoke)).attempts, 2);
  assert.match((await rowOf('revoke', revoke)).lastError ?? '', /earlier update/);
  await repo.update({ id: (await rowOf('grant', grant)).id }, { nextAttemptAt: Date.now() - 1 });
  // Outside state: the rows become due after their (short) backoff.
  await waitFor(
    async () => {
      await worker.runOnce();
      return (await rowOf('revoke', revoke)).state === 'sent';
    },
    5000,
    'both support rows delivered',
  );
  assert.equal((await rowOf('grant', grant)).state, 'sent');
  assert.equal(await supportProperty(), 'unpaid');
});

test('recent calls and remembered numbers are per portal', async () => {
  // Same contact id in both accounts (ids are per account in HubSpot).
  const callB = finishedCall(B, mario, '+390577999999');
  await recordCall(callB);
  remembered.add(A, { objectType: 'contacts', id: mario }, '+390577111222');
  remembered.add(B, { objectType: 'contacts', id: mario }, '+390577999999');

  const a = await req('GET', `/api/cards/caller?objectType=contacts&objectId=${mario}`, {
    portalId: A,
  });
  const calls = a.body.recentCalls as {
    id: string;
    fromNumber: string;
    recordingUrl: string | null;
  }[];
  assert.ok(calls.length >= 1);
  assert.ok(
    calls.every((c) => c.fromNumber === '+390577111222'),
    JSON.stringify(calls),
  );
  assert.ok(
    calls.every((c) => c.recordingUrl?.startsWith('https://sidecar.example.com/recordings/')),
  );
  assert.deepEqual(
    (a.body.rememberedNumbers as { number: string }[]).map((n) => n.number),
    ['+390577111222'],
  );

  const bCalls = await req('GET', `/api/cards/calls?objectType=contacts&objectId=${mario}`, {
    portalId: B,
  });
  assert.deepEqual(
    (bCalls.body.calls as { id: string }[]).map((c) => c.id),
    [callB.id],
  );

  // A cannot remove B's remembered number.
  const steal = await req('POST', '/api/cards/remembered-numbers/remove', {
    portalId: A,
    body: { record: { objectType: 'contacts', objectId: mario }, number: '+390577999999' },
  });
  assert.equal(steal.status, 404);
  assert.equal((await remembered.list(B, { objectType: 'contacts', id: mario })).length, 1);
  const own = await req('POST', '/api/cards/remembered-numbers/remove', {
    portalId: A,
    body: { record: { objectType: 'contacts', objectId: mario }, number: '+390577111222' },
  });
  assert.equal(own.status, 200);
  assert.deepEqual(await remembered.list(A, { objectType: 'contacts', id: mario }), []);

  // A company's calls are its contacts' calls (associations read from the CRM).
  const viaCompany = await req('GET', `/api/cards/calls?objectType=companies&objectId=${company}`, {
    portalId: A,
  });
  assert.deepEqual(
    (viaCompany.body.calls as { id: string }[]).map((c) => c.id).sort(),
    calls.map((c) => c.id).sort(),
  );
});

test('a ticket opened from a call has the caller, the answers and its associations — once', async () => {
  const call = finishedCall(A, mario, '+390577111222');
  await recordCall(call);
  const record = { objectType: 'tickets', objectId: '1' };
  const early = await req('POST', '/api/cards/tickets', {
    portalId: A,
    body: { callId: call.id, record: { objectType: 'contacts', objectId: mario } },
  });
  assert.equal(early.status, 409, JSON.stringify(early.body));

  const script = (
    (await req('GET', '/api/cards/scripts', { portalId: A })).body.scripts as { id: string }[]
  )[0]!;
  await req('POST', '/api/cards/script-answers', {
    portalId: A,
    body: {
      callId: call.id,
      scriptId: script.id,
      record: { objectType: 'contacts', objectId: mario },
      answers: { smell: { smell: false }, meter: { reading: '00123' } },
    },
  });
  await worker.runOnce(); // the Call reaches HubSpot
  const hubspotCall = sandbox
    .listObjects(Number(A), 'calls')
    .find((c) => c.properties.centralino_call_id === call.id);
  assert.ok(hubspotCall, 'call in CRM');

  const first = await req('POST', '/api/cards/tickets', {
    portalId: A,
    body: { callId: call.id, record: { objectType: 'contacts', objectId: mario } },
  });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const second = await req('POST', '/api/cards/tickets', {
    portalId: A,
    body: { callId: call.id, record: { objectType: 'contacts', objectId: mario } },
  });
  assert.equal(second.status, 200);
  const ticketId = (first.body.ticket as { ticketId: string }).ticketId;
  assert.equal((second.body.ticket as { ticketId: string }).ticketId, ticketId);

  const tickets = sandbox
    .listObjects(Number(A), 'tickets')
    .filter((t) => t.properties.centralino_source_call_id === call.id);
  assert.equal(tickets.length, 1);
  const t = tickets[0]!;
  assert.match(t.properties.subject!, /\+390577111222/);
  assert.match(t.properties.content!, /Do you smell gas\? no/);
  assert.match(t.properties.content!, /Meter reading\? 00123/);
  assert.deepEqual(
    t.associations.contacts?.map((x) => x.id),
    [mario],
  );
  assert.deepEqual(
    t.associations.companies?.map((x) => x.id),
    [company],
  );
  assert.deepEqual(
    t.associations.calls?.map((x) => x.id),
    [hubspotCall.id],
  );

  // Another portal cannot open a ticket from A's call.
  const foreign = await req('POST', '/api/cards/tickets', {
    portalId: B,
    body: { callId: call.id, record },
  });
  assert.equal(foreign.status, 404);
});

test('settings go through the routing and ACD ports, per portal', async () => {
  acd.set(A, {
    agents: [{ id: 'ag1', name: 'Anna', skills: ['gas'], state: 'available' }],
    queues: [{ id: 'q1', name: 'Support', strategy: 'ring-all', skills: ['gas'] }],
    strategies: ['ring-all', 'longest-idle'],
  });
  const s = await req('GET', '/api/cards/settings', { portalId: A });
  assert.equal(s.status, 200);
  assert.equal((s.body.acd as { agents: { name: string }[] }).agents[0]!.name, 'Anna');

  const on = await req('PUT', '/api/cards/settings/emergency', {
    portalId: A,
    body: { enabled: true, text: 'Network outage in Siena, we are on it.' },
  });
  assert.equal(on.status, 200);
  const empty = await req('PUT', '/api/cards/settings/emergency', {
    portalId: A,
    body: { enabled: true, text: ' ' },
  });
  assert.equal(empty.status, 400);
  assert.equal((await routing.get(A)).emergency.text, 'Network outage in Siena, we are on it.');
  assert.equal((await routing.get(B)).emergency.enabled, false);

  const holiday = await req('POST', '/api/cards/settings/holidays', {
    portalId: A,
    body: { date: '2026-12-25', name: 'Natale' },
  });
  assert.deepEqual((holiday.body.routing as { holidays: unknown[] }).holidays, [
    { date: '2026-12-25', name: 'Natale' },
  ]);
  const removed = await req('DELETE', '/api/cards/settings/holidays/2026-12-25', { portalId: A });
  assert.deepEqual((removed.body.routing as { holidays: unknown[] }).holidays, []);

  const q = await req('PUT', '/api/cards/settings/queues/q1', {
    portalId: A,
    body: { strategy: 'longest-idle' },
  });
  assert.equal(q.status, 200);
  assert.equal((q.body.queue as { strategy: string }).strategy, 'longest-idle');
  assert.equal(
    (
      await req('PUT', '/api/cards/settings/queues/q1', {
        portalId: A,
        body: { strategy: 'random-ish' },
      })
    ).status,
    400,
  );
  assert.equal(
    (
      await req('PUT', '/api/cards/settings/queues/q1', {
        portalId: B,
        body: { strategy: 'ring-all' },
      })
    ).status,
    404,
  );
});
