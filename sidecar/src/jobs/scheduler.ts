// agenda on our own database, and typed job definitions whose handlers report a status
// instead of crashing the process when an outside service fails.
import { Agenda, type BackoffStrategy, type Job } from 'agenda';
import type { DataSource } from 'typeorm';
import { TypeOrmAgendaBackend, type TypeOrmJobRepositoryOptions } from './typeorm-backend.ts';

export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface SchedulerOptions extends TypeOrmJobRepositoryOptions {
  /** This process's id; agenda writes it into lastModifiedBy. */
  name: string;
  /** Polling period (ms or a human interval such as '5 seconds'). Default '5 seconds'. */
  processEvery?: string | number;
  /** Jobs running at once in this process, all names together. Default 20. */
  maxConcurrency?: number;
  /** Jobs of one name running at once in this process. Default 5. */
  defaultConcurrency?: number;
  /** A job locked longer than this is considered dead and may be claimed again. Default 10 min. */
  defaultLockLifetime?: number;
  /** Logs agenda's own errors (e.g. the database unreachable while polling). */
  logger?: WarnLogger;
}

export function createScheduler(ds: DataSource, opts: SchedulerOptions): Agenda {
  const agenda = new Agenda({
    backend: new TypeOrmAgendaBackend(ds, opts.now ? { now: opts.now } : {}),
    name: opts.name,
    processEvery: opts.processEvery ?? '5 seconds',
    maxConcurrency: opts.maxConcurrency,
    defaultConcurrency: opts.defaultConcurrency,
    defaultLockLifetime: opts.defaultLockLifetime,
  });
  const logger = opts.logger;
  if (logger) agenda.on('error', (err: Error) => logger.warn({ err }, 'agenda error'));
  return agenda;
}

export const JobStatus = { Done: 'done', Skipped: 'skipped', Failed: 'failed' } as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** What a handler reports. `failed` is an expected failure (outside service down, bad data). */
export type JobResult =
  | { status: typeof JobStatus.Done | typeof JobStatus.Skipped; detail?: string }
  | { status: typeof JobStatus.Failed; reason: string };

export interface JobContext {
  jobId: string;
  /** Failures recorded before this run (0 on a first attempt). */
  failCount: number;
  /** Extends the lock of a long job (and records progress 0..100). */
  touch(progress?: number): Promise<void>;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<JobResult>;

export interface DefineJobOptions {
  logger: WarnLogger;
  concurrency?: number;
  lockLimit?: number;
  lockLifetime?: number;
  priority?: number;
  backoff?: BackoffStrategy;
}

export interface EveryOptions {
  timezone?: string;
  skipImmediate?: boolean;
}

/** Typed ways to enqueue a defined job; each resolves to the job id. */
export interface DefinedJob<T> {
  readonly name: string;
  now(data: T): Promise<string>;
  schedule(when: Date | string, data: T): Promise<string>;
  /** One row per name across all processes (agenda's single job). */
  every(interval: string | number, data: T, opts?: EveryOptions): Promise<string>;
}

/** The failure agenda records (failReason) when a handler reports `failed` or throws. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
}

export function defineJob<T>(
  agenda: Agenda,
  name: string,
  handler: JobHandler<T>,
  opts: DefineJobOptions,
): DefinedJob<T> {
  const { logger, ...defineOpts } = opts;
  const run = async (job: Job<T>): Promise<void> => {
    const jobId = String(job.attrs._id);
    const ctx: JobContext = {
      jobId,
      failCount: job.attrs.failCount ?? 0,
      touch: (progress) => job.touch(progress),
    };
    let result: JobResult;
    try {
      result = await handler(job.attrs.data, ctx);
    } catch (err) {
      logger.warn({ err, job: name, jobId }, 'job threw');
      // agenda catches this, records failedAt/failCount/failReason and applies the backoff.
      throw new JobFailedError(err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (result.status === JobStatus.Failed) {
      logger.warn({ job: name, jobId, reason: result.reason }, 'job failed');
      throw new JobFailedError(result.reason);
    }
  };
  agenda.define<T>(name, run, defineOpts);
  const idOf = (job: Job<T>) => String(job.attrs._id);
  return {
    name,
    now: async (data) => idOf(await agenda.now(name, data)),
    schedule: async (when, data) => idOf(await agenda.schedule(when, name, data)),
    every: async (interval, data, everyOpts) =>
      idOf(await agenda.every(interval, name, data, everyOpts)),
  };
}
