// Saves that must collapse into one row even when several processes save at once: single
// jobs (agenda.every) and `.unique()` jobs. Each carries a dedupe key under a unique index;
// the loser of an insert race gets a duplicate-key error and updates the winner's row.
import type { JobParameters, UniqueOpts } from 'agenda';
import type { AgendaJobRow } from './agenda-job-entity.ts';
import {
  DEFINITION_COLUMNS,
  SINGLE_UPSERT_COLUMNS,
  presentColumns,
  rowToJob,
  singleKey,
  toMs,
  uniqueKey,
} from './job-rows.ts';
import { isDuplicateKey, type JobTable } from './job-table.ts';

const ATTEMPTS = 4;

/**
 * One row per name. A nextRunAt that is already due does not overwrite a stored one, so a
 * second process calling every() at boot does not make the job run again.
 */
export async function upsertSingle(
  t: JobTable,
  props: JobParameters,
  by: string | null,
): Promise<JobParameters> {
  const key = singleKey(props.name);
  const nextRunAt = toMs(props.nextRunAt);
  const keepStored = nextRunAt !== null && nextRunAt <= t.now().getTime();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const res = await t
      .update({
        ...presentColumns(props, SINGLE_UPSERT_COLUMNS),
        nextRunAt: keepStored ? () => 'COALESCE(next_run_at, :singleNextRunAt)' : nextRunAt,
        lastModifiedBy: by,
      })
      .where('dedupe_key = :key', { key })
      .setParameter('singleNextRunAt', nextRunAt)
      .execute();
    if ((res.affected ?? 0) > 0) {
      const row = await t.findByKey(key);
      if (row) return rowToJob(row);
      continue; // removed between the update and the read
    }
    try {
      return await t.insert({ ...props, type: 'single' }, by, key);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another process inserted it first: update it
    }
  }
  throw new Error(`agenda: could not upsert single job ${props.name}`);
}

interface Schedule {
  nextRunAt: number | null;
  debounceStartedAt: number | null;
}

/** nextRunAt and the debounce window start for a save of a job that may already exist. */
function debounced(
  props: JobParameters,
  existing: AgendaJobRow | null,
  uniqueOpts: UniqueOpts | undefined,
  now: number,
): Schedule {
  const requested = toMs(props.nextRunAt);
  const debounce = uniqueOpts?.debounce;
  if (!debounce) return { nextRunAt: requested, debounceStartedAt: null };
  if (debounce.strategy === 'leading') {
    // Run at once, then ignore saves for `delay` (but keep their data).
    const started = existing?.debounceStartedAt ?? null;
    if (existing && started !== null && now - started < debounce.delay) {
      return { nextRunAt: existing.nextRunAt, debounceStartedAt: started };
    }
    return { nextRunAt: requested, debounceStartedAt: now };
  }
  // Trailing: push the run to `delay` after the last save; a window stays open until the
  // job has run, and maxWait forces a run when saves keep coming.
  const open =
    existing !== null &&
    existing.debounceStartedAt !== null &&
    existing.nextRunAt !== null &&
    (existing.lastRunAt === null || existing.lastRunAt < existing.debounceStartedAt);
  const started = open ? (existing.debounceStartedAt ?? now) : now;
  if (debounce.maxWait !== undefined && now - started >= debounce.maxWait) {
    return { nextRunAt: now, debounceStartedAt: null };
  }
  return { nextRunAt: now + debounce.delay, debounceStartedAt: started };
}

/** `.unique()` jobs: one row per (name, unique spec); insertOnly and debounce honoured. */
export async function upsertUnique(
  t: JobTable,
  props: JobParameters,
  unique: Record<string, unknown>,
  uniqueOpts: UniqueOpts | undefined,
  by: string | null,
): Promise<JobParameters> {
  const key = uniqueKey(props.name, unique);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const existing = await t.findByKey(key);
    if (existing && uniqueOpts?.insertOnly && !uniqueOpts.debounce) return rowToJob(existing);
    const { nextRunAt, debounceStartedAt } = debounced(
      props,
      existing,
      uniqueOpts,
      t.now().getTime(),
    );
    if (existing) {
      await t
        .update({
          ...presentColumns(props, DEFINITION_COLUMNS),
          nextRunAt,
          debounceStartedAt,
          lastModifiedBy: by,
        })
        .where('id = :id', { id: existing.id })
        .execute();
      return (await t.find(existing.id)) ?? rowToJob(existing);
    }
    try {
      return await t.insert(
        {
          ...props,
          nextRunAt: nextRunAt === null ? null : new Date(nextRunAt),
          debounceStartedAt: debounceStartedAt === null ? undefined : new Date(debounceStartedAt),
        },
        by,
        key,
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another process inserted it first: update it
    }
  }
  throw new Error(`agenda: could not upsert unique job ${props.name}`);
}
