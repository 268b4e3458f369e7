// agenda's JobRepository over TypeORM, for SQLite and MySQL/MariaDB alike.
//
// The property that matters: several sidecars share the table and a job is never run twice.
// Claiming is a compare-and-set: pick candidates with a plain SELECT, then
//   UPDATE agenda_jobs SET locked_at = :now WHERE id = :id AND <still claimable>
// and own the job only if exactly one row was affected. Both databases evaluate the WHERE
// of a single UPDATE against the latest committed row under the write lock, so of two
// racing processes exactly one sees `affected = 1`; the other moves on to the next
// candidate. (mysql2 sets CLIENT_FOUND_ROWS, so `affected` counts matched rows.)
// Single jobs (agenda.every) and `.unique()` jobs: see job-upserts.ts.
import type { DataSource } from 'typeorm';
import type {
  AgendaBackend,
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  RemoveJobsOptions,
} from 'agenda';
import { DEFINITION_COLUMNS, presentColumns, toMs } from './job-rows.ts';
import { distinctJobNames, jobsOverview, matchingIds, queryJobs } from './job-queries.ts';
import { JobTable, chunks, type JobTableOptions } from './job-table.ts';
import { upsertSingle, upsertUnique } from './job-upserts.ts';

/** Candidates fetched per claim round; losers of a race move on to the next one. */
const CANDIDATES = 8;
const CLAIM_ROUNDS = 4;

export type TypeOrmJobRepositoryOptions = JobTableOptions;

export class TypeOrmJobRepository implements JobRepository {
  private readonly t: JobTable;

  constructor(
    private readonly ds: DataSource,
    opts: TypeOrmJobRepositoryOptions = {},
  ) {
    this.t = new JobTable(ds, opts);
  }

  /** The data source is owned and initialized by the composition root. */
  connect(): Promise<void> {
    if (!this.ds.isInitialized) {
      return Promise.reject(new Error('agenda: the TypeORM data source is not initialized'));
    }
    return Promise.resolve();
  }

  getJobById(id: string): Promise<JobParameters | null> {
    return this.t.find(String(id));
  }

  // ---- claiming -------------------------------------------------------------------------

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const lockedAt = (now ?? this.t.now()).getTime();
    const params = { scanAt: nextScanAt.getTime(), deadline: lockDeadline.getTime() };
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const candidates = await this.t
        .select()
        .select('j.id', 'id')
        .where('j.name = :name', { name: jobName })
        .andWhere('j.disabled = :off', { off: false })
        .andWhere(
          '((j.lockedAt IS NULL AND j.nextRunAt <= :scanAt) OR j.lockedAt <= :deadline)',
          params,
        )
        .orderBy('j.nextRunAt', 'ASC')
        .addOrderBy('j.priority', 'DESC')
        .limit(CANDIDATES)
        .getRawMany<{ id: string }>();
      if (candidates.length === 0) return undefined;
      for (const { id } of candidates) {
        // The same condition again, now under the row's write lock.
        const res = await this.t
          .update({ lockedAt, lastModifiedBy: options?.lastModifiedBy ?? null })
          .where('id = :id', { id })
          .andWhere('name = :name', { name: jobName })
          .andWhere('disabled = :off', { off: false })
          .andWhere(
            '((locked_at IS NULL AND next_run_at <= :scanAt) OR locked_at <= :deadline)',
            params,
          )
          .execute();
        if (res.affected === 1) {
          const job = await this.t.find(id);
          if (job) return job;
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
    const res = await this.t
      .update({ lockedAt: this.t.now().getTime(), lastModifiedBy: options?.lastModifiedBy ?? null })
      .where('id = :id', { id: String(job._id) })
      .andWhere('name = :name', { name: job.name })
      .andWhere('locked_at IS NULL')
      .andWhere('disabled = :off', { off: false })
      .andWhere(nextRunAt === null ? 'next_run_at IS NULL' : 'next_run_at = :nextRunAt', {
        nextRunAt,
      })
      .execute();
    if (res.affected !== 1) return undefined;
    return (await this.t.find(String(job._id))) ?? undefined;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    await this.unlockJobs([job._id]);
  }

  /** Releases locks, but never on a one-off job that is running (its nextRunAt is already null). */
  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    for (const ids of chunks(jobIds.map(String))) {
      await this.t
        .update({ lockedAt: null })
        .where('id IN (:...ids)', { ids })
        .andWhere('next_run_at IS NOT NULL')
        .execute();
    }
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('agenda: cannot save job state without a job id');
    const res = await this.t
      .update({
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
      // Only the fields given: Job.save() leaves out lockedAt, failReason and the like.
      const res = await this.t
        .update({ ...presentColumns(props, DEFINITION_COLUMNS), lastModifiedBy: by })
        .where('id = :id', { id: String(_id) })
        .andWhere('name = :name', { name: props.name })
        .execute();
      if (res.affected !== 1) return job; // removed meanwhile: agenda expects the input back
      saved = (await this.t.find(String(_id))) ?? job;
    } else if (props.type === 'single') {
      saved = await upsertSingle(this.t, props, by);
    } else if (unique && Object.keys(unique).length > 0) {
      saved = await upsertUnique(this.t, props, unique, uniqueOpts, by);
    } else {
      saved = await this.t.insert(props, by, null);
    }
    return saved as JobParameters<DATA>;
  }

  // ---- queries --------------------------------------------------------------------------

  queryJobs(options?: JobsQueryOptions): Promise<JobsResult> {
    return queryJobs(this.t, options);
  }

  getJobsOverview(): Promise<JobsOverview[]> {
    return jobsOverview(this.t);
  }

  getDistinctJobNames(): Promise<string[]> {
    return distinctJobNames(this.t);
  }

  /** Jobs whose nextRunAt has passed (disabled ones included, as in the official backends). */
  getQueueSize(): Promise<number> {
    return this.t.select().where('j.nextRunAt < :now', { now: this.t.now().getTime() }).getCount();
  }

  // ---- bulk changes ---------------------------------------------------------------------

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    let removed = 0;
    for (const ids of chunks((await matchingIds(this.t, options)) ?? [])) {
      const res = await this.t.delete().where('id IN (:...ids)', { ids }).execute();
      removed += res.affected ?? 0;
    }
    return removed;
  }

  private async setDisabled(options: RemoveJobsOptions, disabled: boolean): Promise<number> {
    let changed = 0;
    for (const ids of chunks((await matchingIds(this.t, options)) ?? [])) {
      const res = await this.t.update({ disabled }).where('id IN (:...ids)', { ids }).execute();
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
    const res = await this.t.delete().execute();
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
