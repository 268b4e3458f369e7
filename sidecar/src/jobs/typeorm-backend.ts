// agenda's JobRepository over TypeORM, for SQLite and MySQL/MariaDB alike.
//
// The property that matters: several sidecars share the table and a job is never run twice.
// Claiming is a compare-and-set: pick candidates with a plain SELECT, then
//   UPDATE agenda_jobs SET locked_at = :now WHERE id = :id AND <still claimable>
// and own the job only if exactly one row was affected. Both databases evaluate the WHERE
// of a single UPDATE against the latest committed row under the write lock, so of two
// racing processes exactly one sees `affected = 1`; the other moves on to the next
// candidate. (mysql2 sets CLIENT_FOUND_ROWS, so `affected` counts matched rows.)
// Single jobs (agenda.every) and `.unique()` jobs carry a dedupe key under a unique index,
// so concurrent upserts collapse into one row.
import { randomUUID } from 'node:crypto';
import {
  QueryFailedError,
  type DataSource,
  type ObjectLiteral,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import {
  computeJobState,
  type AgendaBackend,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobWithState,
  type RemoveJobsOptions,
  type UniqueOpts,
} from 'agenda';
import { AgendaJobEntity, type AgendaJobRow } from './agenda-job-entity.ts';
import {
  DEFINITION_COLUMNS,
  SINGLE_UPSERT_COLUMNS,
  dataContains,
  jobToRow,
  presentColumns,
  rowToJob,
  singleKey,
  sortJobs,
  toMs,
  uniqueKey,
} from './job-rows.ts';

/** Candidates fetched per claim round; losers of a race move on to the next one. */
const CANDIDATES = 8;
const CLAIM_ROUNDS = 4;
const UPSERT_ATTEMPTS = 4;
/** Rows per `IN (...)` list. */
const CHUNK = 500;

export interface TypeOrmJobRepositoryOptions {
  /** The clock; defaults to the system clock. */
  now?: () => Date;
}

/** What an UPDATE may set: row values, or a raw SQL expression. */
type Update = { [K in keyof AgendaJobRow]?: AgendaJobRow[K] | (() => string) };

function isDuplicateKey(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: unknown } | undefined)?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export class TypeOrmJobRepository implements JobRepository {
  private readonly jobs: Repository<AgendaJobRow>;
  private readonly now: () => Date;

  constructor(
    private readonly ds: DataSource,
    opts: TypeOrmJobRepositoryOptions = {},
  ) {
    this.jobs = ds.getRepository(AgendaJobEntity);
    this.now = opts.now ?? (() => new Date());
  }

  /** The data source is owned and initialized by the composition root. */
  connect(): Promise<void> {
    if (!this.ds.isInitialized) {
      return Promise.reject(new Error('agenda: the TypeORM data source is not initialized'));
    }
    return Promise.resolve();
  }

  private select(): SelectQueryBuilder<AgendaJobRow> {
    return this.jobs.createQueryBuilder('j');
  }

  private update(set: Update) {
    return this.ds.createQueryBuilder().update(AgendaJobEntity).set(set);
  }

  private async findRow(id: string): Promise<AgendaJobRow | null> {
    return this.jobs.findOneBy({ id });
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = await this.findRow(String(id));
    return row ? rowToJob(row) : null;
  }

  // ---- claiming -------------------------------------------------------------------------

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const lockedAt = (now ?? this.now()).getTime();
    const claimable = {
      sql: '((locked_at IS NULL AND next_run_at <= :scanAt) OR locked_at <= :deadline)',
      params: { scanAt: nextScanAt.getTime(), deadline: lockDeadline.getTime() },
    };
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const candidates = await this.select()
        .select('j.id', 'id')
        .where('j.name = :name', { name: jobName })
        .andWhere('j.disabled = :off', { off: false })
        .andWhere(
          '((j.lockedAt IS NULL AND j.nextRunAt <= :scanAt) OR j.lockedAt <= :deadline)',
          claimable.params,
        )
        .orderBy('j.nextRunAt', 'ASC')
        .addOrderBy('j.priority', 'DESC')
        .limit(CANDIDATES)
        .getRawMany<{ id: string }>();
      if (candidates.length === 0) return undefined;
      for (const { id } of candidates) {
        const res = await this.update({ lockedAt, lastModifiedBy: options?.lastModifiedBy ?? null })
          .where('id = :id', { id })
          .andWhere('name = :name', { name: jobName })
          .andWhere('disabled = :off', { off: false })
          .andWhere(claimable.sql, claimable.params)
          .execute();
        if (res.affected === 1) {
          const row = await this.findRow(id);
          if (row) return rowToJob(row);
        }
      }
    }
    return undefined;
  }

  async lockJob(
    job: JobParameters,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const nextRunAt = toMs(job.nextRunAt);
    const res = await this.update({
      lockedAt: this.now().getTime(),
      lastModifiedBy: options?.lastModifiedBy ?? null,
    })
      .where('id = :id', { id: String(job._id) })
      .andWhere('name = :name', { name: job.name })
      .andWhere('locked_at IS NULL')
      .andWhere('disabled = :off', { off: false })
      .andWhere(nextRunAt === null ? 'next_run_at IS NULL' : 'next_run_at = :nextRunAt', {
        nextRunAt,
      })
      .execute();
    if (res.affected !== 1) return undefined;
    const row = await this.findRow(String(job._id));
    return row ? rowToJob(row) : undefined;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    await this.unlockJobs([job._id]);
  }

  /** Releases locks, but never on a one-off job that is running (its nextRunAt is already null). */
  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    for (const ids of chunks(jobIds.map(String))) {
      await this.update({ lockedAt: null })
        .where('id IN (:...ids)', { ids })
        .andWhere('next_run_at IS NOT NULL')
        .execute();
    }
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('agenda: cannot save job state without a job id');
    const res = await this.update({
      lockedAt: toMs(job.lockedAt),
      nextRunAt: toMs(job.nextRunAt),
      lastRunAt: toMs(job.lastRunAt),
      lastFinishedAt: toMs(job.lastFinishedAt),
      failedAt: toMs(job.failedAt),
      failCount: job.failCount ?? null,
      failReason: job.failReason ?? null,
      progress: job.progress ?? null,
      lastModifiedBy: options?.lastModifiedBy ?? null,
    })
      .where('id = :id', { id: String(job._id) })
      .andWhere('name = :name', { name: job.name })
      .execute();
    if (res.affected !== 1) {
      throw new Error(`agenda: job ${String(job._id)} (${job.name}) no longer exists`);
    }
  }

  // ---- saving ---------------------------------------------------------------------------

  async saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job as JobParameters;
    const by = options?.lastModifiedBy ?? null;
    let saved: JobParameters;
    if (_id) {
      const res = await this.update({ ...presentColumns(props, DEFINITION_COLUMNS), lastModifiedBy: by })
        .where('id = :id', { id: String(_id) })
        .andWhere('name = :name', { name: props.name })
        .execute();
      if (res.affected !== 1) return job; // removed meanwhile: agenda expects the input back
      saved = (await this.getJobById(String(_id))) ?? (job as JobParameters);
    } else if (props.type === 'single') {
      saved = await this.upsertSingle(props, by);
    } else if (unique && Object.keys(unique).length > 0) {
      saved = await this.upsertUnique(props, unique, uniqueOpts, by);
    } else {
      saved = await this.insert(props, by, null);
    }
    return saved as JobParameters<DATA>;
  }

  private async insert(
    props: JobParameters,
    lastModifiedBy: string | null,
    dedupeKey: string | null,
  ): Promise<JobParameters> {
    const row = jobToRow({ ...props, lastModifiedBy: lastModifiedBy ?? undefined }, randomUUID(), dedupeKey);
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(AgendaJobEntity)
      .values(row)
      .updateEntity(false)
      .execute();
    return rowToJob(row);
  }

  /**
   * One row per name. A nextRunAt that is already due does not overwrite a stored one, so a
   * second process calling every() at boot does not make the job run again.
   */
  private async upsertSingle(props: JobParameters, by: string | null): Promise<JobParameters> {
    const key = singleKey(props.name);
    const nextRunAt = toMs(props.nextRunAt);
    const keepStored = nextRunAt !== null && nextRunAt <= this.now().getTime();
    for (let attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
      const res = await this.update({
        ...presentColumns(props, SINGLE_UPSERT_COLUMNS),
        nextRunAt: keepStored ? () => 'COALESCE(next_run_at, :singleNextRunAt)' : nextRunAt,
        lastModifiedBy: by,
      })
        .where('dedupe_key = :key', { key })
        .setParameter('singleNextRunAt', nextRunAt)
        .execute();
      if ((res.affected ?? 0) > 0) {
        const row = await this.jobs.findOneBy({ dedupeKey: key });
        if (row) return rowToJob(row);
        continue; // removed between the update and the read
      }
      try {
        return await this.insert({ ...props, type: 'single' }, by, null);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another process inserted it first: update it
      }
    }
    throw new Error(`agenda: could not upsert single job ${props.name}`);
  }

  /** `.unique()` jobs: one row per (name, unique spec); insertOnly and debounce honoured. */
  private async upsertUnique(
    props: JobParameters,
    unique: Record<string, unknown>,
    uniqueOpts: UniqueOpts | undefined,
    by: string | null,
  ): Promise<JobParameters> {
    const key = uniqueKey(props.name, unique);
    const debounce = uniqueOpts?.debounce;
    for (let attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
      const existing = await this.jobs.findOneBy({ dedupeKey: key });
      const now = this.now().getTime();
      let nextRunAt = toMs(props.nextRunAt);
      let debounceStartedAt: number | null = null;
      if (existing) {
        if (uniqueOpts?.insertOnly && !debounce) return rowToJob(existing);
        if (debounce?.strategy === 'leading') {
          const started = existing.debounceStartedAt;
          if (started !== null && now - started < debounce.delay) {
            nextRunAt = existing.nextRunAt; // inside the window: update data only
            debounceStartedAt = started;
          } else {
            debounceStartedAt = now;
          }
        } else if (debounce) {
          // A window is open while the job has not run since it started.
          const open =
            existing.debounceStartedAt !== null &&
            existing.nextRunAt !== null &&
            (existing.lastRunAt === null || existing.lastRunAt < existing.debounceStartedAt);
          const started = open ? (existing.debounceStartedAt ?? now) : now;
          if (debounce.maxWait !== undefined && now - started >= debounce.maxWait) {
            nextRunAt = now;
          } else {
            nextRunAt = now + debounce.delay;
            debounceStartedAt = started;
          }
        }
        await this.update({
          ...presentColumns(props, DEFINITION_COLUMNS),
          nextRunAt,
          debounceStartedAt,
          lastModifiedBy: by,
        })
          .where('id = :id', { id: existing.id })
          .execute();
        return (await this.getJobById(existing.id)) ?? rowToJob(existing);
      }
      if (debounce) {
        debounceStartedAt = now;
        if (debounce.strategy !== 'leading') nextRunAt = now + debounce.delay;
      }
      try {
        return await this.insert(
          {
            ...props,
            nextRunAt: nextRunAt === null ? null : new Date(nextRunAt),
            debounceStartedAt: debounceStartedAt === null ? undefined : new Date(debounceStartedAt),
          },
          by,
          key,
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`agenda: could not upsert unique job ${props.name}`);
  }

  // ---- queries --------------------------------------------------------------------------

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { name, names, state, id, ids, search, data, includeDisabled = true } = options;
    const qb = this.select();
    if (name) qb.andWhere('j.name = :name', { name });
    else if (names && names.length > 0) qb.andWhere('j.name IN (:...names)', { names });
    if (id) qb.andWhere('j.id = :id', { id: String(id) });
    else if (ids && ids.length > 0) qb.andWhere('j.id IN (:...ids)', { ids: ids.map(String) });
    if (search) {
      const escaped = search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`);
      qb.andWhere("LOWER(j.name) LIKE :search ESCAPE '!'", { search: `%${escaped}%` });
    }
    if (!includeDisabled) qb.andWhere('j.disabled = :off', { off: false });
    const now = this.now();
    let jobs: JobWithState[] = (await qb.getMany())
      .map(rowToJob)
      .filter((j) => data === undefined || dataContains(j.data, data))
      .map((j) => ({ ...j, _id: j._id as JobId, state: computeJobState(j, now) }))
      .filter((j) => !state || (state === 'paused' ? j.disabled === true : j.state === state));
    const total = jobs.length;
    jobs = sortJobs(jobs, options.sort);
    const skip = options.skip ?? 0;
    const limit = options.limit ?? 0;
    if (limit > 0 || skip > 0) jobs = jobs.slice(skip, limit > 0 ? skip + limit : undefined);
    return { jobs, total };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = this.now();
    const byName = new Map<string, JobsOverview>();
    for (const row of await this.select().getMany()) {
      const job = rowToJob(row);
      let o = byName.get(job.name);
      if (!o) {
        o = {
          name: job.name,
          total: 0,
          running: 0,
          scheduled: 0,
          queued: 0,
          completed: 0,
          failed: 0,
          repeating: 0,
          paused: 0,
        };
        byName.set(job.name, o);
      }
      o.total++;
      o[computeJobState(job, now)]++;
      if (job.disabled) o.paused++;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = await this.select().select('j.name', 'name').distinct(true).getRawMany<{
      name: string;
    }>();
    return rows.map((r) => r.name).sort();
  }

  /** Jobs whose nextRunAt has passed (disabled ones included, as in the official backends). */
  async getQueueSize(): Promise<number> {
    return this.select().where('j.nextRunAt < :now', { now: this.now().getTime() }).getCount();
  }

  // ---- bulk changes ---------------------------------------------------------------------

  /** Ids matching agenda's RemoveJobsOptions; null when no criterion was given (match nothing). */
  private async matchingIds(options: RemoveJobsOptions): Promise<string[] | null> {
    const qb = this.select().select(['j.id', 'j.data']);
    let any = false;
    const where = (sql: string, params: ObjectLiteral) => {
      qb.andWhere(sql, params);
      any = true;
    };
    if (options.id) where('j.id = :id', { id: String(options.id) });
    else if (options.ids && options.ids.length > 0) {
      where('j.id IN (:...ids)', { ids: options.ids.map(String) });
    }
    if (options.name) where('j.name = :name', { name: options.name });
    else if (options.names && options.names.length > 0) {
      where('j.name IN (:...names)', { names: options.names });
    } else if (options.notNames && options.notNames.length > 0) {
      where('j.name NOT IN (:...notNames)', { notNames: options.notNames });
    }
    if (!any && options.data === undefined) return null;
    const rows = await qb.getMany();
    return rows
      .filter(
        (r) =>
          options.data === undefined ||
          dataContains(r.data === null ? undefined : JSON.parse(r.data), options.data),
      )
      .map((r) => r.id);
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const ids = await this.matchingIds(options);
    if (!ids) return 0;
    let removed = 0;
    for (const chunk of chunks(ids)) {
      const res = await this.ds
        .createQueryBuilder()
        .delete()
        .from(AgendaJobEntity)
        .where('id IN (:...ids)', { ids: chunk })
        .execute();
      removed += res.affected ?? 0;
    }
    return removed;
  }

  private async setDisabled(options: RemoveJobsOptions, disabled: boolean): Promise<number> {
    const ids = await this.matchingIds(options);
    if (!ids) return 0;
    let changed = 0;
    for (const chunk of chunks(ids)) {
      const res = await this.update({ disabled }).where('id IN (:...ids)', { ids: chunk }).execute();
      changed += res.affected ?? 0;
    }
    return changed;
  }

  disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, true);
  }

  enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, false);
  }

  async purgeAllJobs(): Promise<number> {
    const res = await this.ds.createQueryBuilder().delete().from(AgendaJobEntity).execute();
    return res.affected ?? 0;
  }
}

/** agenda backend on the application's own data source; no notification channel, so agenda polls. */
export class TypeOrmAgendaBackend implements AgendaBackend {
  readonly name = 'TypeORM';
  readonly repository: TypeOrmJobRepository;
  readonly notificationChannel = undefined;
  /** The data source belongs to the composition root: agenda.stop() must not close it. */
  readonly ownsConnection = false;

  constructor(ds: DataSource, opts: TypeOrmJobRepositoryOptions = {}) {
    // Checked here, synchronously: agenda calls connect() from its constructor without
    // handling a rejection, which would surface as an unhandled rejection.
    if (!ds.isInitialized) throw new Error('agenda: the TypeORM data source is not initialized');
    this.repository = new TypeOrmJobRepository(ds, opts);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}
