// The background-work runner: every server process runs one, and each due run of a job happens in
// exactly one of them (the claim in server/repositories/jobs.ts). A job's own items must still be
// settled once each by their own transactions (settlement locks each open notice and closes it in
// the same transaction), so that a process killed half-way leaves nothing done twice: the next
// claim after its lease ends simply finds fewer items.
//
//   const jobs = startJobRunner(deps, [{ name: 'settle-notices', everyMs: 60_000, run: (now) => settle(now) }]);
//   … await jobs.stop();
import crypto from 'node:crypto';
import os from 'node:os';
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import { claimDueJob, extendLease, finishJobRun, type ClaimedRun } from '../repositories/jobs';
import { log } from '../ops/log';

export interface JobSpec {
  /** Stable name: the row in scheduled_jobs. */
  name: string;
  /** At most one run per this interval, across all processes. */
  everyMs: number;
  /** How long a run may go before another process may take the job over (kept alive while running). */
  leaseMs?: number;
  /** Does the work; the number it returns (items done) is recorded with the run. */
  run(now: Date): Promise<number | void>;
}

export interface JobRunnerOptions {
  /** How often this process looks for due jobs (default: half the shortest interval, 0.1–15 s). */
  tickMs?: number;
  /** This process's name in the run log (default host:pid:random). */
  worker?: string;
  now?: () => Date;
  /** Run-log rows older than this are dropped (default 14 days). */
  keepRunsMs?: number;
  onError?: (job: string, err: unknown) => void;
  /** false: no timer, passes only through tick() (tests). */
  timer?: boolean;
}

export interface JobRunner {
  readonly worker: string;
  /** One pass over the jobs now (what the timer does); resolves when the runs it claimed are done. */
  tick(): Promise<void>;
  /** No new claims; waits for the runs in progress. */
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_KEEP_RUNS_MS = 14 * 86_400_000;

export function workerName(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

export function startJobRunner(deps: TransactionDeps, jobs: readonly JobSpec[], opts: JobRunnerOptions = {}): JobRunner {
  const worker = opts.worker ?? workerName();
  const now = opts.now ?? (() => new Date());
  const onError = opts.onError ?? ((job, err) => log().error({ err, job }, `后台任务失败 / background job ${job} failed`));
  const shortest = Math.min(...jobs.map((j) => j.everyMs));
  const tickMs = opts.tickMs ?? Math.min(15_000, Math.max(100, Math.floor(shortest / 2)));
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const runOne = async (job: JobSpec, claim: ClaimedRun) => {
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    const keepAlive = setInterval(() => {
      extendLease(deps.db, job.name, worker, new Date(now().getTime() + leaseMs)).catch(() => {});
    }, Math.max(50, Math.floor(leaseMs / 3)));
    let outcome: 'ok' | 'failed' = 'ok';
    let items: number | null = null;
    let error: string | null = null;
    try {
      const n = await job.run(now());
      items = typeof n === 'number' ? n : null;
    } catch (err) {
      outcome = 'failed';
      error = err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
      onError(job.name, err);
    } finally {
      clearInterval(keepAlive);
    }
    const at = now();
    await finishJobRun(deps.db, { ...claim, worker, outcome, items, error }, at, new Date(at.getTime() - (opts.keepRunsMs ?? DEFAULT_KEEP_RUNS_MS)));
  };

  const pass = async () => {
    for (const job of jobs) {
      if (stopped) return;
      try {
        const claim = await writeTransaction(deps, (trx) => claimDueJob(trx, {
          name: job.name, everyMs: job.everyMs, leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS, worker,
        }, now()));
        if (claim) await runOne(job, claim);
      } catch (err) {
        if (!stopped) onError(job.name, err);
      }
    }
  };

  const tick = () => {
    // One pass at a time in a process: a slow pass delays the next instead of overlapping it.
    running = running.then(pass);
    return running;
  };

  // The first pass right away but in the background: start-up never waits for catch-up work.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => { void tick().finally(schedule); }, tickMs);
    timer.unref?.();
  };
  if (opts.timer !== false) void tick().finally(schedule);

  return {
    worker,
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
