// Pure mapping between agenda's JobParameters and AgendaJobRow, plus the helpers the
// repository needs that SQL cannot do portably (JSON containment, sorting with NULLS LAST).
import { createHash } from 'node:crypto';
import { toJobId, type JobParameters, type JobWithState, type JobsSort } from 'agenda';
import type { AgendaJobRow } from './agenda-job-entity.ts';

type DateLike = Date | string | number | null | undefined;

export function toMs(d: DateLike): number | null {
  if (d === null || d === undefined) return null;
  const ms = d instanceof Date ? d.getTime() : new Date(d).getTime();
  return Number.isFinite(ms) ? ms : null;
}

const toDate = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** Numeric intervals are milliseconds; agenda accepts both forms, keep the type it was given. */
function parseInterval(v: string | null): string | number | undefined {
  if (v === null) return undefined;
  return /^\d+$/.test(v) ? Number(v) : v;
}

export function rowToJob(row: AgendaJobRow): JobParameters {
  const job: JobParameters & Record<string, unknown> = {
    _id: toJobId(row.id),
    name: row.name,
    priority: row.priority,
    type: row.type,
    nextRunAt: row.nextRunAt === null ? null : new Date(row.nextRunAt),
    lockedAt: toDate(row.lockedAt),
    lastRunAt: toDate(row.lastRunAt),
    lastFinishedAt: toDate(row.lastFinishedAt),
    failedAt: toDate(row.failedAt),
    failCount: row.failCount ?? undefined,
    failReason: row.failReason ?? undefined,
    repeatInterval: parseInterval(row.repeatInterval),
    repeatTimezone: row.repeatTimezone ?? undefined,
    repeatAt: row.repeatAt ?? undefined,
    startDate: toDate(row.startDate),
    endDate: toDate(row.endDate),
    skipDays: row.skipDays === null ? undefined : (JSON.parse(row.skipDays) as number[]),
    disabled: Boolean(row.disabled),
    data: row.data === null ? undefined : (JSON.parse(row.data) as unknown),
    progress: row.progress ?? undefined,
    fork: Boolean(row.fork),
    lastModifiedBy: row.lastModifiedBy ?? undefined,
    debounceStartedAt: toDate(row.debounceStartedAt),
  };
  for (const key of Object.keys(job)) if (job[key] === undefined) delete job[key];
  return job;
}

type Writable = Omit<AgendaJobRow, 'id' | 'dedupeKey'>;

/** Column (named like its JobParameters key) → how to store the job's value. */
const writers: { [K in keyof Writable]: (j: JobParameters) => Writable[K] } = {
  name: (j) => j.name,
  priority: (j) => Number(j.priority ?? 0),
  type: (j) => (j.type === 'single' ? 'single' : 'normal'),
  nextRunAt: (j) => toMs(j.nextRunAt),
  lockedAt: (j) => toMs(j.lockedAt),
  lastRunAt: (j) => toMs(j.lastRunAt),
  lastFinishedAt: (j) => toMs(j.lastFinishedAt),
  failedAt: (j) => toMs(j.failedAt),
  failCount: (j) => j.failCount ?? null,
  failReason: (j) => j.failReason ?? null,
  repeatInterval: (j) =>
    j.repeatInterval === undefined || j.repeatInterval === null ? null : String(j.repeatInterval),
  repeatTimezone: (j) => j.repeatTimezone ?? null,
  repeatAt: (j) => j.repeatAt ?? null,
  startDate: (j) => toMs(j.startDate),
  endDate: (j) => toMs(j.endDate),
  skipDays: (j) => (j.skipDays ? JSON.stringify(j.skipDays) : null),
  disabled: (j) => Boolean(j.disabled),
  data: (j) => (j.data === undefined ? null : JSON.stringify(j.data)),
  progress: (j) => j.progress ?? null,
  fork: (j) => Boolean(j.fork),
  lastModifiedBy: (j) => j.lastModifiedBy ?? null,
  debounceStartedAt: (j) => toMs(j.debounceStartedAt),
};

/** Every column, for an insert. */
export function jobToRow(job: JobParameters, id: string, dedupeKey: string | null): AgendaJobRow {
  const row = { id, dedupeKey } as AgendaJobRow;
  for (const k of Object.keys(writers) as (keyof Writable)[]) {
    (row as unknown as Record<string, unknown>)[k] = writers[k](job);
  }
  return row;
}

/** Only the columns whose key is present on `job` (an update must not wipe what it was not given). */
export function presentColumns(
  job: Partial<JobParameters>,
  keys: readonly (keyof Writable)[],
): Partial<Writable> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (Object.prototype.hasOwnProperty.call(job, k)) {
      out[k] = writers[k](job as JobParameters);
    }
  }
  return out;
}

/** What a user-level save may change (agenda excludes processor fields from Job.save()). */
export const DEFINITION_COLUMNS = [
  'priority',
  'nextRunAt',
  'type',
  'repeatInterval',
  'repeatTimezone',
  'repeatAt',
  'startDate',
  'endDate',
  'skipDays',
  'disabled',
  'data',
  'fork',
  'debounceStartedAt',
  'lockedAt',
  'lastRunAt',
  'lastFinishedAt',
  'failedAt',
  'failCount',
  'failReason',
  'progress',
] as const satisfies readonly (keyof Writable)[];

/** The columns a single job's upsert refreshes (nextRunAt is handled separately). */
export const SINGLE_UPSERT_COLUMNS = [
  'priority',
  'repeatInterval',
  'repeatTimezone',
  'repeatAt',
  'startDate',
  'endDate',
  'skipDays',
  'disabled',
  'data',
  'fork',
] as const satisfies readonly (keyof Writable)[];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const singleKey = (name: string): string => `s:${sha256(name)}`;

export function uniqueKey(name: string, unique: Record<string, unknown>): string {
  const entries = Object.entries(unique).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `u:${sha256(JSON.stringify([name, entries]))}`;
}

/** JSON containment, like PostgreSQL's `@>`: objects match on a subset of keys, arrays on a subset of elements. */
export function dataContains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e) => actual.some((a) => dataContains(a, e)));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(([k, v]) => dataContains(a[k], v));
}

type SortKey = keyof JobsSort;

function sortValue(job: JobParameters, key: SortKey): number | string | null {
  switch (key) {
    case 'nextRunAt':
    case 'lastRunAt':
    case 'lastFinishedAt':
      return toMs(job[key]);
    case 'priority':
      return job.priority;
    case 'name':
      return job.name;
    case 'data':
      return job.data === undefined ? null : JSON.stringify(job.data);
  }
}

const DEFAULT_SORT: JobsSort = { nextRunAt: 'desc', lastRunAt: 'desc' };

/** Sort as the official SQL backend does: given keys in order, NULLs last whatever the direction. */
export function sortJobs<T extends JobWithState>(jobs: T[], sort: JobsSort | undefined): T[] {
  const keys = Object.entries(sort && Object.keys(sort).length > 0 ? sort : DEFAULT_SORT) as [
    SortKey,
    'asc' | 'desc',
  ][];
  return jobs.sort((x, y) => {
    for (const [key, dir] of keys) {
      const a = sortValue(x, key);
      const b = sortValue(y, key);
      if (a === b) continue;
      if (a === null) return 1;
      if (b === null) return -1;
      const c = a < b ? -1 : 1;
      return dir === 'asc' ? c : -c;
    }
    return 0;
  });
}
