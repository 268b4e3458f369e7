// Two sidecar processes write for the same HubSpot account: the 110 requests / 10 s budget is
// the account's, so they share one pacer row in the database. Against the sandbox enforcing
// the limit: zero 429s, and every row delivered exactly once, by both processes together.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Like, type DataSource } from 'typeorm';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import { OutboxStore } from '../../sidecar/src/outbox/outbox-store.ts';
import { systemClock } from '../../sidecar/src/ports.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { inTransaction } from '../../sidecar/src/store/transactions.ts';
import { isolatedTestDatabaseUrl } from '../support/env.ts';
import { waitFor } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = path.join(ROOT, 'test/fixtures/outbox-process.ts');
const ROWS = 1500;
const BATCH = 10; // 150 write requests: ~15 s at 100 / 10 s, more than either process alone may send

let DATABASE_URL: string;
let ds: DataSource;
let crm: TestHubSpot;

before(async () => {
  DATABASE_URL = await isolatedTestDatabaseUrl('writeback-scale');
  ds = await openDataSource(DATABASE_URL, { migrate: true });
  crm = await startTestHubSpot();
});

after(async () => {
  await ds.destroy();
  await crm.running.close();
});

interface Proc {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<number>;
}

function startProcess(name: string): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: { ...process.env, ...crm.env, DATABASE_URL, BATCH_SIZE: String(BATCH), WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => l === 'ready' && resolve());
    void exited.then((code) => reject(new Error(`${name} exited ${code}: ${stderr.join('')}`)));
  });
  const done = new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /^done (\d+)$/.exec(l);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`${name} exited ${code}: ${stderr.join('')}`)));
  });
  return { child, ready, done };
}

test(`two processes, one account, ${ROWS} calls in batches of ${BATCH}: no 429, each Call once`, async () => {
  const store = new OutboxStore(ds, systemClock);
  // On MariaDB the test files of a run share one database: count only this test's rows.
  const ours = { portalId: String(crm.portalId), dedupeKey: Like('call:scale-%') };
  const t = Date.UTC(2026, 10, 21, 9);
  await inTransaction(ds, async (m) => {
    for (let n = 0; n < ROWS; n++) {
      const call: FinishedCall = {
        id: `scale-${n}`,
        portalId: String(crm.portalId),
        direction: 'INBOUND',
        fromNumber: '+390577111222',
        toNumber: '+390577235501',
        contactId: null,
        startedAt: t + n,
        answeredAt: null,
        endedAt: t + n + 5000,
        outcome: 'NO_ANSWER',
        note: null,
      };
      await store.add(m, {
        portalId: String(crm.portalId),
        kind: 'call',
        dedupeKey: `call:${call.id}`,
        payload: { call },
      });
    }
  });
  const procs = [startProcess('p1'), startProcess('p2')];
  try {
    await Promise.all(procs.map((p) => p.ready));
    const pending = () =>
      ds.getRepository(OutboxEntity).count({ where: { ...ours, state: 'pending' } });
    await waitFor(async () => (await pending()) === 0, 120_000, 'every row delivered');
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
  }
  const [d1, d2] = await Promise.all(procs.map((p) => p.done));
  assert.ok(d1! > 0 && d2! > 0, `both processes wrote (p1 ${d1}, p2 ${d2})`);
  assert.equal(d1! + d2!, ROWS, 'each row delivered by one process only');

  const requests = crm.sandbox.requests({ portalId: crm.portalId });
  const limited = requests.filter((r) => r.status === 429);
  assert.equal(limited.length, 0, `429s: ${limited.length} of ${requests.length} requests`);
  const writes = requests.filter((r) => r.path.startsWith('/crm/v3/objects/calls/batch/'));
  assert.ok(writes.length >= ROWS / BATCH, `${writes.length} batch requests`);
  // The window HubSpot enforces: never more than 110 in any rolling 10 s.
  const times = requests.map((r) => r.time).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 10_000) j++;
    most = Math.max(most, i - j + 1);
  }
  assert.ok(most <= 110, `busiest 10 s held ${most} requests`);

  const calls = crm.sandbox.listObjects(crm.portalId, 'calls');
  const ids = calls.map((c) => c.properties.centralino_call_id);
  assert.equal(calls.length, ROWS, 'one Call per row');
  assert.equal(new Set(ids).size, ROWS, 'no Call twice');
  const sent = await ds.getRepository(OutboxEntity).count({ where: { ...ours, state: 'sent' } });
  assert.equal(sent, ROWS);
});
