// Recurring background jobs shared by every server process (server/jobs/, migration 0010).
import type { Queryable } from './queryable';
import { supportsRowLocks } from './locks';

export interface ClaimedRun { job: string; dueAt: string }

/**
 * Claims the job if it is due and nobody holds its lease. Must run in a write transaction: the row
 * is locked with FOR UPDATE SKIP LOCKED on PostgreSQL (a process that finds it locked moves on at
 * once), and on SQLite the transaction's BEGIN IMMEDIATE already keeps every other writer out.
 * The claim moves next_run_at on and records the run under its due slot (primary key).
 */
export async function claimDueJob(
  trx: Queryable, job: { name: string; everyMs: number; leaseMs: number; worker: string }, now: Date,
): Promise<ClaimedRun | null> {
  const at = now.toISOString();
  await trx.insertInto('scheduled_jobs').values({ name: job.name, next_run_at: at }).onConflict((oc) => oc.column('name').doNothing()).execute();
  // Times further ahead than one interval (or one lease) can only come from a clock that was
  // ahead when they were written: treated as due (or expired), so a clock set back does not stall the job.
  const nextLimit = new Date(now.getTime() + job.everyMs).toISOString();
  const leaseLimit = new Date(now.getTime() + job.leaseMs).toISOString();
  let qb = trx.selectFrom('scheduled_jobs').select(['next_run_at', 'lease_until'])
    .where('name', '=', job.name)
    .where((eb) => eb.or([eb('next_run_at', '<=', at), eb('next_run_at', '>', nextLimit)]))
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at), eb('lease_until', '>', leaseLimit)]));
  if (supportsRowLocks(trx)) qb = qb.forUpdate().skipLocked();
  const row = await qb.executeTakeFirst();
  if (!row) return null;
  await trx.updateTable('scheduled_jobs').set({
    next_run_at: new Date(now.getTime() + job.everyMs).toISOString(),
    lease_owner: job.worker,
    lease_until: new Date(now.getTime() + job.leaseMs).toISOString(),
  }).where('name', '=', job.name).execute();
  // The row lock makes the claim exclusive; the slot key records it. (A slot key met again, which
  // only a clock set back could do, keeps its first row rather than failing every later claim.)
  await trx.insertInto('job_runs').values({ job: job.name, due_at: row.next_run_at, worker: job.worker, started_at: at })
    .onConflict((oc) => oc.columns(['job', 'due_at']).doNothing()).execute();
  return { job: job.name, dueAt: row.next_run_at };
}

/** Keeps the lease of a long run (only while this worker still holds it). */
export async function extendLease(db: Queryable, name: string, worker: string, until: Date): Promise<void> {
  await db.updateTable('scheduled_jobs').set({ lease_until: until.toISOString() })
    .where('name', '=', name).where('lease_owner', '=', worker).execute();
}

/** Ends a run: its outcome on the run row, the lease given back, old run rows dropped. */
export async function finishJobRun(
  db: Queryable, run: ClaimedRun & { worker: string; outcome: 'ok' | 'failed'; items: number | null; error: string | null },
  now: Date, keepRunsSince: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.updateTable('job_runs').set({ finished_at: at, outcome: run.outcome, items: run.items, error: run.error })
    .where('job', '=', run.job).where('due_at', '=', run.dueAt).execute();
  await db.updateTable('scheduled_jobs').set({
    lease_owner: null, lease_until: null, last_finished_at: at, last_error: run.error,
  }).where('name', '=', run.job).where('lease_owner', '=', run.worker).execute();
  // Retention of the run log: a ranged delete on the primary key (job, due_at).
  await db.deleteFrom('job_runs').where('job', '=', run.job).where('due_at', '<', keepRunsSince.toISOString()).execute();
}

export async function listJobRuns(db: Queryable, job: string): Promise<{ dueAt: string; worker: string; outcome: string | null; items: number | null }[]> {
  const rows = await db.selectFrom('job_runs').select(['due_at', 'worker', 'outcome', 'items']).where('job', '=', job).orderBy('due_at').execute();
  return rows.map((r) => ({ dueAt: r.due_at, worker: r.worker, outcome: r.outcome, items: r.items }));
}
