// agenda on our own database: the TypeORM job repository, the scheduler helpers, and two
// processes sharing one table without running a job twice. SQLite (a temp file) by default;
// MySQL/MariaDB when DATABASE_URL is mysql://….
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Agenda, JobParameters } from 'agenda';
import { Table, type DataSource } from 'typeorm';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { AgendaJobEntity } from '../../sidecar/src/jobs/agenda-job-entity.ts';
import { TypeOrmJobRepository } from '../../sidecar/src/jobs/typeorm-backend.ts';
import {
  createScheduler,
  defineJob,
  JobStatus,
  type JobResult,
} from '../../sidecar/src/jobs/scheduler.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = path.join(ROOT, 'test/fixtures/agenda-worker.ts');
const RUNS_TABLE = 'jobs_test_runs';

const envUrl = process.env.DATABASE_URL ?? '';
const isMysql = /^(mysql|mariadb):\/\//.test(envUrl);
const tmpDir = isMysql ? null : mkdtempSync(path.join(os.tmpdir(), 'centralino-jobs-'));
const DATABASE_URL = isMysql ? envUrl : `sqlite:${path.join(tmpDir ?? '', 'jobs.db')}`;

let ds: DataSource;
let repo: TypeOrmJobRepository;

/** Polls an outside state (the database) until it holds, or fails at the deadline. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function job(name: string, extra: Partial<JobParameters> = {}): JobParameters {
  return { name, priority: 0, type: 'normal', nextRunAt: new Date(), data: {}, ...extra };
}

const ids = (jobs: { _id?: unknown }[]) => jobs.map((j) => String(j._id)).sort();

before(async () => {
  ds = await openDataSource(DATABASE_URL, { migrate: true });
  repo = new TypeOrmJobRepository(ds);
  const q = ds.createQueryRunner();
  await q.createTable(
    new Table({
      name: RUNS_TABLE,
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'job_name', type: 'varchar', length: '64' },
        { name: 'job_id', type: 'varchar', length: '36' },
        { name: 'worker', type: 'varchar', length: '32' },
        { name: 'pid', type: 'int' },
        { name: 'ran_at', type: 'bigint' },
      ],
    }),
    true,
  );
  await q.release();
});

after(async () => {
  await ds.createQueryBuilder().delete().from(AgendaJobEntity).execute();
  await ds.createQueryRunner().dropTable(RUNS_TABLE, true);
  await ds.destroy();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await ds.createQueryBuilder().delete().from(AgendaJobEntity).execute();
  await ds.createQueryBuilder().delete().from(RUNS_TABLE).execute();
});

describe('TypeOrmJobRepository', () => {
  it('round-trips every field agenda stores', async () => {
    const at = (s: string) => new Date(`2030-01-0${s}T00:00:00.000Z`);
    const saved = await repo.saveJob(
      job('roundtrip', {
        priority: 10,
        nextRunAt: at('1'),
        data: { portalId: '42', list: [1, 'a', null], nested: { ok: true } },
        repeatInterval: 60_000,
        repeatTimezone: 'Europe/Rome',
        startDate: at('2'),
        endDate: at('3'),
        skipDays: [0, 6],
        fork: true,
      }),
      { lastModifiedBy: 'p1' },
    );
    assert.ok(saved._id);
    const got = await repo.getJobById(saved._id);
    assert.deepEqual(got, {
      _id: saved._id,
      name: 'roundtrip',
      priority: 10,
      type: 'normal',
      nextRunAt: at('1'),
      data: { portalId: '42', list: [1, 'a', null], nested: { ok: true } },
      repeatInterval: 60_000,
      repeatTimezone: 'Europe/Rome',
      startDate: at('2'),
      endDate: at('3'),
      skipDays: [0, 6],
      disabled: false,
      fork: true,
      lastModifiedBy: 'p1',
    });
    assert.deepEqual(saved, got);
    const cron = await repo.saveJob(
      job('cron', { repeatInterval: '*/5 * * * *', data: undefined }),
      {},
    );
    const cronBack = await repo.getJobById(String(cron._id));
    assert.equal(cronBack?.repeatInterval, '*/5 * * * *');
    assert.equal('data' in (cronBack ?? {}), false);
    assert.equal(await repo.getJobById('00000000-0000-0000-0000-000000000000'), null);
  });

  it('updates by id without wiping fields the caller did not send', async () => {
    const saved = await repo.saveJob(job('upd'), {});
    const id = String(saved._id);
    const failedAt = new Date(Date.now() - 1000);
    const state = { ...saved, failCount: 2, failReason: 'boom', failedAt, lastRunAt: failedAt };
    await repo.saveJobState(state, {});
    // Writing identical values still counts as one row (mysql2 sets CLIENT_FOUND_ROWS).
    await repo.saveJobState(state, {});
    // Job.save() sends no processor fields (lockedAt, failReason, …).
    const { _id, name, priority, type, data } = saved;
    const next = new Date(Date.now() + 60_000);
    const updated = await repo.saveJob({ _id, name, priority, type, data, nextRunAt: next }, {});
    assert.deepEqual(updated.nextRunAt, next);
    assert.equal(updated.failReason, 'boom');
    assert.equal(updated.failCount, 2);
    assert.deepEqual(updated.failedAt, failedAt);
    // A job removed meanwhile: agenda expects its input back, and state saves throw.
    await repo.removeJobs({ id });
    const gone = { _id, name, priority, type, data, nextRunAt: next };
    assert.deepEqual(await repo.saveJob(gone, {}), gone);
    await assert.rejects(repo.saveJobState(saved, {}), /no longer exists/);
  });

  it('upserts single jobs by name, also when saved concurrently', async () => {
    const now = Date.now();
    const single = (nextRunAt: Date, data: unknown) =>
      job('single', { type: 'single', repeatInterval: '1 minute', nextRunAt, data });
    const first = await repo.saveJob(single(new Date(now + 5000), { v: 1 }), {});
    // A due nextRunAt (another process calling every() at boot) keeps the stored one.
    const again = await repo.saveJob(single(new Date(now), { v: 2 }), { lastModifiedBy: 'p2' });
    assert.equal(again._id, first._id);
    assert.deepEqual(again.nextRunAt, new Date(now + 5000));
    assert.deepEqual(again.data, { v: 2 });
    assert.equal(again.lastModifiedBy, 'p2');
    // A future one (skipImmediate) replaces it.
    const later = await repo.saveJob(single(new Date(now + 9000), { v: 3 }), {});
    assert.deepEqual(later.nextRunAt, new Date(now + 9000));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => repo.saveJob(single(new Date(), { v: i }), {})),
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repo.saveJob({ ...single(new Date(), { v: i }), name: 'single-race' }, {}),
      ),
    );
    const { jobs } = await repo.queryJobs({ names: ['single', 'single-race'] });
    assert.deepEqual(jobs.map((j) => j.name).sort(), ['single', 'single-race']);
  });

  it('honours unique(): upsert, insertOnly and debounce', async () => {
    const u = (n: number, extra: Partial<JobParameters> = {}) =>
      job('uniq', { data: { contact: 'c1', n }, unique: { 'data.contact': 'c1' }, ...extra });
    const a = await repo.saveJob(u(1), {});
    const b = await repo.saveJob(u(2), {});
    assert.equal(b._id, a._id);
    assert.deepEqual(b.data, { contact: 'c1', n: 2 });
    const c = await repo.saveJob(u(3, { uniqueOpts: { insertOnly: true } }), {});
    assert.deepEqual(c.data, { contact: 'c1', n: 2 });
    const other = await repo.saveJob(
      job('uniq', { data: { contact: 'c2' }, unique: { 'data.contact': 'c2' } }),
      {},
    );
    assert.notEqual(other._id, a._id);

    const d = (n: number) =>
      job('debounced', {
        data: { n },
        unique: { key: 'k' },
        uniqueOpts: { debounce: { delay: 1000, maxWait: 60_000 } },
      });
    const t0 = Date.now();
    const d1 = await repo.saveJob(d(1), {});
    assert.ok(d1.nextRunAt && d1.nextRunAt.getTime() >= t0 + 1000);
    await sleep(20);
    const d2 = await repo.saveJob(d(2), {});
    assert.equal(d2._id, d1._id);
    assert.ok(d2.nextRunAt && d2.nextRunAt.getTime() > (d1.nextRunAt?.getTime() ?? 0));
    assert.deepEqual(d2.debounceStartedAt, d1.debounceStartedAt);
    assert.deepEqual(d2.data, { n: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => repo.saveJob(d(i), {})));
    assert.equal((await repo.queryJobs({ name: 'debounced' })).total, 1);
  });

  it('queries by name, id, search, data, state, with sort and pagination', async () => {
    const now = Date.now();
    const a = await repo.saveJob(job('sms', { data: { to: '+39', tags: ['x', 'y'] } }), {});
    const b = await repo.saveJob(
      job('sms', { data: { to: '+44' }, nextRunAt: new Date(now + 60_000) }),
      {},
    );
    const c = await repo.saveJob(job('email_100%', { disabled: true }), {});
    const d = await repo.saveJob(job('fax', { nextRunAt: null }), {});
    await repo.saveJobState({ ...d, lastFinishedAt: new Date(now), lastRunAt: new Date(now) }, {});

    assert.deepEqual(ids((await repo.queryJobs({ name: 'sms' })).jobs), ids([a, b]));
    assert.deepEqual(ids((await repo.queryJobs({ names: ['fax', 'sms'] })).jobs), ids([a, b, d]));
    assert.deepEqual(ids((await repo.queryJobs({ id: String(c._id) })).jobs), ids([c]));
    assert.deepEqual(
      ids((await repo.queryJobs({ ids: [String(a._id), String(d._id)] })).jobs),
      ids([a, d]),
    );
    assert.deepEqual(ids((await repo.queryJobs({ search: 'MAIL_100%' })).jobs), ids([c]));
    assert.deepEqual(ids((await repo.queryJobs({ search: '_1' })).jobs), ids([c]));
    assert.deepEqual(ids((await repo.queryJobs({ data: { tags: ['y'] } })).jobs), ids([a]));
    assert.deepEqual(ids((await repo.queryJobs({ includeDisabled: false })).jobs), ids([a, b, d]));
    assert.deepEqual(ids((await repo.queryJobs({ state: 'scheduled' })).jobs), ids([b]));
    assert.deepEqual(ids((await repo.queryJobs({ state: 'completed' })).jobs), ids([d]));
    assert.deepEqual(ids((await repo.queryJobs({ state: 'paused' })).jobs), ids([c]));
    const page = await repo.queryJobs({ sort: { nextRunAt: 'asc' }, skip: 1, limit: 2 });
    assert.equal(page.total, 4);
    // nextRunAt ascending, NULLs last: a|c (now), b (+60 s), d (null)
    assert.equal(String(page.jobs[1]?._id), String(b._id));
    const byName = await repo.queryJobs({ sort: { name: 'desc', nextRunAt: 'desc' } });
    assert.deepEqual(
      byName.jobs.map((j) => j.name),
      ['sms', 'sms', 'fax', 'email_100%'],
    );
    assert.equal(String(byName.jobs[0]?._id), String(b._id));
  });

  it('reports overview, distinct names and queue size', async () => {
    const now = Date.now();
    await repo.saveJob(job('a', { nextRunAt: new Date(now - 1000) }), {});
    await repo.saveJob(job('a', { nextRunAt: new Date(now + 60_000) }), {});
    await repo.saveJob(job('b', { nextRunAt: new Date(now - 1000), disabled: true }), {});
    await repo.saveJob(job('c', { nextRunAt: null, repeatInterval: '1 hour' }), {});
    assert.deepEqual(await repo.getDistinctJobNames(), ['a', 'b', 'c']);
    assert.equal(await repo.getQueueSize(), 2);
    const overview = await repo.getJobsOverview();
    assert.deepEqual(
      overview.map((o) => [o.name, o.total, o.queued, o.scheduled, o.paused, o.repeating]),
      [
        ['a', 2, 1, 1, 0, 0],
        ['b', 1, 1, 0, 1, 0],
        ['c', 1, 0, 0, 0, 1],
      ],
    );
  });

  it('removes, disables, enables and purges by agenda filters', async () => {
    const a = await repo.saveJob(job('keep', { data: { portal: 1 } }), {});
    const b = await repo.saveJob(job('drop', { data: { portal: 1 } }), {});
    const c = await repo.saveJob(job('drop', { data: { portal: 2 } }), {});
    assert.equal(await repo.removeJobs({}), 0, 'no criteria removes nothing');
    assert.equal(await repo.disableJobs({ data: { portal: 1 } }), 2);
    assert.equal((await repo.queryJobs({ state: 'paused' })).total, 2);
    assert.equal(await repo.enableJobs({ name: 'drop' }), 2);
    assert.equal((await repo.getJobById(String(b._id)))?.disabled, false);
    assert.equal((await repo.getJobById(String(a._id)))?.disabled, true);
    assert.equal(await repo.removeJobs({ name: 'drop', data: { portal: 2 } }), 1);
    assert.equal(await repo.getJobById(String(c._id)), null);
    assert.equal(await repo.removeJobs({ notNames: ['keep'] }), 1);
    assert.equal(await repo.removeJobs({ ids: [String(a._id)] }), 1);
    for (let i = 0; i < 5; i++) await repo.saveJob(job(`p${i}`), {});
    assert.equal(await repo.purgeAllJobs(), 5);
    assert.equal((await repo.queryJobs()).total, 0);
  });

  it('claims only due, enabled, unlocked jobs; once; and recovers stale locks', async () => {
    const now = Date.now();
    const scanAt = new Date(now + 100);
    const deadline = new Date(now - 600_000);
    const by = { lastModifiedBy: 'me' };
    const due = await repo.saveJob(job('claim', { nextRunAt: new Date(now - 10) }), {});
    await repo.saveJob(job('claim', { nextRunAt: new Date(now + 5000) }), {});
    await repo.saveJob(job('claim', { nextRunAt: new Date(now - 10), disabled: true }), {});
    await repo.saveJob(job('other', { nextRunAt: new Date(now - 10) }), {});
    const got = await repo.getNextJobToRun('claim', scanAt, deadline, new Date(now), by);
    assert.equal(String(got?._id), String(due._id));
    assert.deepEqual(got?.lockedAt, new Date(now));
    assert.equal(got?.lastModifiedBy, 'me');
    assert.equal(await repo.getNextJobToRun('claim', scanAt, deadline, undefined, by), undefined);
    // A lock older than the deadline is dead: the job can be claimed again.
    const stale = await repo.getNextJobToRun('claim', scanAt, new Date(now + 1), undefined, by);
    assert.equal(String(stale?._id), String(due._id));
    // unlockJob releases; a running one-off (nextRunAt null) is never unlocked.
    await repo.unlockJob(due);
    assert.equal((await repo.getJobById(String(due._id)))?.lockedAt, undefined);
    const locked = await repo.lockJob({ ...due, nextRunAt: new Date(now - 10) }, by);
    assert.ok(locked?.lockedAt);
    assert.equal(await repo.lockJob({ ...due, nextRunAt: new Date(now - 10) }, by), undefined);
    await repo.saveJobState({ ...locked, nextRunAt: null }, by);
    await repo.unlockJobs([String(due._id)]);
    assert.ok((await repo.getJobById(String(due._id)))?.lockedAt, 'running one-off stays locked');
  });

  it('never hands out a job twice to concurrent claimers', async () => {
    const now = Date.now();
    for (let i = 0; i < 40; i++) {
      await repo.saveJob(job('race', { nextRunAt: new Date(now - i), data: { i } }), {});
    }
    const claimed: string[] = [];
    const claimer = async (name: string) => {
      for (;;) {
        const j = await repo.getNextJobToRun(
          'race',
          new Date(Date.now() + 100),
          new Date(Date.now() - 600_000),
          undefined,
          { lastModifiedBy: name },
        );
        if (!j) return;
        claimed.push(String(j._id));
      }
    };
    await Promise.all(['c1', 'c2', 'c3', 'c4'].map(claimer));
    assert.equal(claimed.length, 40);
    assert.equal(new Set(claimed).size, 40);
  });
});

describe('scheduler', () => {
  let agenda: Agenda;
  const warnings: { obj: object; msg: string }[] = [];
  const logger = { warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };

  beforeEach(() => {
    warnings.length = 0;
    // agenda keeps a watchdog timer of lockLifetime/2 per job run; a short lifetime lets the
    // test process exit promptly.
    agenda = createScheduler(ds, {
      name: 'test-proc',
      processEvery: 50,
      defaultLockLifetime: 2000,
      logger,
    });
  });

  // Also on a failed assertion, or the polling interval keeps the test process alive.
  afterEach(() => agenda.stop());
  const stop = () => agenda.stop();

  it('does not run a job scheduled in the future before its time', async () => {
    const ran: number[] = [];
    const reminder = defineJob<{ id: string }>(
      agenda,
      'reminder',
      (data) => {
        assert.deepEqual(data, { id: 'r1' });
        ran.push(Date.now());
        return Promise.resolve({ status: JobStatus.Done });
      },
      { logger },
    );
    await agenda.start();
    const when = new Date(Date.now() + 700);
    const id = await reminder.schedule(when, { id: 'r1' });
    const done = await waitFor('the reminder to finish', async () => {
      const j = await repo.getJobById(id);
      return j?.lastFinishedAt ? j : undefined;
    });
    await stop();
    assert.equal(ran.length, 1);
    assert.ok((ran[0] ?? 0) >= when.getTime(), `ran ${(ran[0] ?? 0) - when.getTime()} ms early`);
    assert.equal(done.nextRunAt, null);
    assert.equal(done.lockedAt, undefined);
    assert.equal(done.lastModifiedBy, 'test-proc');
  });

  it('records a failure (thrown or reported) with its reason and keeps the process alive', async () => {
    let calls = 0;
    const flaky = defineJob<{ mode: 'throw' | 'report' }>(
      agenda,
      'flaky',
      (data): Promise<JobResult> => {
        calls++;
        if (data.mode === 'throw') return Promise.reject(new Error('HubSpot 503'));
        return Promise.resolve({ status: JobStatus.Failed, reason: 'contact not found' });
      },
      { logger },
    );
    await agenda.start();
    const thrown = await flaky.now({ mode: 'throw' });
    const reported = await flaky.now({ mode: 'report' });
    const failed = async (id: string) =>
      waitFor(`job ${id} to fail`, async () => {
        const j = await repo.getJobById(id);
        return j?.failedAt && j.lockedAt === undefined ? j : undefined;
      });
    const [t, r] = [await failed(thrown), await failed(reported)];
    await stop();
    assert.equal(calls, 2);
    assert.equal(t.failReason, 'HubSpot 503');
    assert.equal(t.failCount, 1);
    assert.equal(r.failReason, 'contact not found');
    assert.deepEqual(warnings.map((w) => w.msg).sort(), ['job failed', 'job threw']);
    assert.ok(warnings.every((w) => (w.obj as { job?: string }).job === 'flaky'));
  });

  it('reschedules a repeating job and keeps one row for it', async () => {
    const runs: number[] = [];
    const sync = defineJob<Record<string, never>>(
      agenda,
      'sync',
      () => {
        runs.push(Date.now());
        return Promise.resolve({ status: JobStatus.Done });
      },
      { logger },
    );
    await agenda.start();
    const id = await sync.every(200, {});
    assert.equal(await sync.every(200, {}), id, 'every() again reuses the row');
    await waitFor('three runs', () => Promise.resolve(runs.length >= 3 || undefined));
    await stop();
    const row = await repo.getJobById(id);
    assert.ok(row?.lastRunAt && row.nextRunAt);
    assert.ok(row.nextRunAt.getTime() > row.lastRunAt.getTime());
    assert.equal((await repo.queryJobs({ name: 'sync' })).total, 1);
    for (let i = 1; i < runs.length; i++) {
      assert.ok((runs[i] ?? 0) - (runs[i - 1] ?? 0) >= 150, 'runs are spaced by the interval');
    }
  });
});

describe('two processes on one database', () => {
  interface Worker {
    child: ChildProcess;
    ready: Promise<void>;
    exited: Promise<number | null>;
    stderr: string[];
  }

  function startWorker(name: string): Worker {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL, WORKER_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (line === 'ready') resolve();
      });
      void exited.then((code) =>
        reject(new Error(`${name} exited (${code}) before ready: ${stderr.join('')}`)),
      );
    });
    return { child, ready, exited, stderr };
  }

  interface RunRow {
    job_name: string;
    job_id: string;
    worker: string;
  }
  const runs = () =>
    ds
      .createQueryBuilder()
      .select(['job_name', 'job_id', 'worker'])
      .from(RUNS_TABLE, 'r')
      .getRawMany<RunRow>();

  it('runs each of 200 jobs exactly once, and keeps one row for a shared every()', async () => {
    const t0 = Date.now();
    const workers = [startWorker('w1'), startWorker('w2')];
    try {
      await Promise.all(workers.map((w) => w.ready));
      const tReady = Date.now();
      const producer = createScheduler(ds, { name: 'producer' });
      for (let n = 0; n < 200; n++) await producer.now('test-append', { n });
      const tEnqueued = Date.now();
      await waitFor(
        '200 distinct jobs to run',
        async () => {
          const appended = (await runs()).filter((r) => r.job_name === 'test-append');
          return new Set(appended.map((r) => r.job_id)).size >= 200 || undefined;
        },
        25_000,
      );
      const tDone = Date.now();
      for (const w of workers) w.child.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      assert.deepEqual(codes, [0, 0], workers.map((w) => w.stderr.join('')).join('\n'));

      const all = await runs();
      const appended = all.filter((r) => r.job_name === 'test-append');
      const perJob = new Map<string, number>();
      for (const r of appended) perJob.set(r.job_id, (perJob.get(r.job_id) ?? 0) + 1);
      const twice = [...perJob].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], 'no job ran twice');
      assert.equal(appended.length, 200);
      const byWorker = new Map<string, number>();
      for (const r of appended) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1);
      assert.ok((byWorker.get('w1') ?? 0) > 0 && (byWorker.get('w2') ?? 0) > 0, 'both worked');

      const rows = await repo.queryJobs({ name: 'test-append' });
      assert.equal(rows.total, 200);
      assert.ok(rows.jobs.every((j) => j.lastFinishedAt && !j.lockedAt && j.nextRunAt === null));
      const ticks = await repo.queryJobs({ name: 'test-tick' });
      assert.equal(ticks.total, 1, 'one row for the every() both processes declared');
      const tickRuns = all.filter((r) => r.job_name === 'test-tick').length;
      const seconds = (Date.now() - tReady) / 1000;
      assert.ok(tickRuns >= 1 && tickRuns <= Math.ceil(seconds) + 1, `${tickRuns} ticks`);
      console.log(
        `${isMysql ? 'mysql' : 'sqlite'}: workers ready ${tReady - t0} ms, enqueue ${tEnqueued - tReady} ms, ` +
          `run ${tDone - tEnqueued} ms, split ${JSON.stringify(Object.fromEntries(byWorker))}, ticks ${tickRuns}`,
      );
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }
  });
});
