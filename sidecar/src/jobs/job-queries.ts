// Read side of the job repository (dashboards, agenda.queryJobs, purge filters). Job state
// and JSON containment are computed in JS, as SQL for them is not portable between SQLite
// and MySQL; these run on operator actions, not on the polling path.
import type { ObjectLiteral } from 'typeorm';
import {
  computeJobState,
  type JobId,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobWithState,
  type RemoveJobsOptions,
} from 'agenda';
import { dataContains, rowToJob, sortJobs } from './job-rows.ts';
import type { JobTable } from './job-table.ts';

export async function queryJobs(t: JobTable, options: JobsQueryOptions = {}): Promise<JobsResult> {
  const { name, names, state, id, ids, search, data, includeDisabled = true } = options;
  const qb = t.select();
  if (name) qb.andWhere('j.name = :name', { name });
  else if (names && names.length > 0) qb.andWhere('j.name IN (:...names)', { names });
  if (id) qb.andWhere('j.id = :id', { id: String(id) });
  else if (ids && ids.length > 0) qb.andWhere('j.id IN (:...ids)', { ids: ids.map(String) });
  if (search) {
    const escaped = search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`);
    qb.andWhere("LOWER(j.name) LIKE :search ESCAPE '!'", { search: `%${escaped}%` });
  }
  if (!includeDisabled) qb.andWhere('j.disabled = :off', { off: false });
  const now = t.now();
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

export async function jobsOverview(t: JobTable): Promise<JobsOverview[]> {
  const now = t.now();
  const byName = new Map<string, JobsOverview>();
  for (const row of await t.select().getMany()) {
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

export async function distinctJobNames(t: JobTable): Promise<string[]> {
  const rows = await t
    .select()
    .select('j.name', 'name')
    .distinct(true)
    .getRawMany<{ name: string }>();
  return rows.map((r) => r.name).sort();
}

/** Ids matching agenda's RemoveJobsOptions; null when no criterion was given (match nothing). */
export async function matchingIds(
  t: JobTable,
  options: RemoveJobsOptions,
): Promise<string[] | null> {
  const qb = t.select().select(['j.id', 'j.data']);
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
