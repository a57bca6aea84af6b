// The job runner: however many processes (here: runners, each with its own connection pool on
// PostgreSQL) tick at once, each due slot of a job runs once; a lease left by a dead process
// ends and the job is taken over; a failing run is recorded and gives its lease back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/connect';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { listJobRuns } from '../repositories/jobs';
import { writeTransaction } from '../db/transaction';
import { claimDueJob } from '../repositories/jobs';
import { startJobRunner, type JobSpec } from './runner';

describe.each(await testDialects())('job runner on %s', (dialect) => {
  let t: TestDatabase;
  const others: Db[] = [];
  /**
   * A second "process": its own connection(s) to the same database. On SQLite the same handle:
   * better-sqlite3 is synchronous, so a second connection in this thread waiting for the write
   * lock would block the thread that holds it (separate processes just wait their turn).
   */
  const anotherProcess = (): Db => {
    if (dialect === 'sqlite') return t;
    const db = openDatabase({ databaseUrl: t.databaseUrl, sqlitePath: t.sqlitePath, poolSize: 4 });
    others.push(db);
    return db;
  };
  beforeEach(async () => {
    t = await createTestDatabase(dialect, { poolSize: 4 });
  });
  afterEach(async () => {
    for (const db of others.splice(0)) await db.close();
    await t.drop();
  });

  it('five processes ticking at the same moments run each due slot exactly once', async () => {
    let clock = Date.parse('2026-09-01T00:00:00Z');
    const now = () => new Date(clock);
    const calls: string[] = [];
    const job = (who: string): JobSpec => ({
      name: 'count', everyMs: 60_000,
      run: async () => { calls.push(who); await new Promise((r) => setTimeout(r, 5)); return 1; },
    });
    const runners = [t, ...Array.from({ length: 4 }, anotherProcess)].map((db, i) =>
      startJobRunner({ db: db.db, dialect }, [job(`p${i}`)], { now, timer: false, worker: `p${i}`, onError: (_, e) => { throw e; } }));
    for (let minute = 0; minute < 5; minute++) {
      await Promise.all(runners.map((r) => r.tick()));
      await Promise.all(runners.map((r) => r.tick())); // not due again within the minute
      clock += 60_000;
    }
    expect(calls).toHaveLength(5);
    const runs = await listJobRuns(t.db, 'count');
    expect(runs).toHaveLength(5);
    expect(new Set(runs.map((r) => r.dueAt)).size).toBe(5);
    expect(runs.every((r) => r.outcome === 'ok' && r.items === 1)).toBe(true);
    await Promise.all(runners.map((r) => r.stop()));
  });

  it('a lease of a process that died ends, and another process takes the job over', async () => {
    let clock = Date.parse('2026-09-01T00:00:00Z');
    const now = () => new Date(clock);
    // The dead process claimed the job and never finished it.
    const claim = await writeTransaction({ db: t.db, dialect }, (trx) => claimDueJob(trx, { name: 'j', everyMs: 1000, leaseMs: 30_000, worker: 'dead' }, now()));
    expect(claim).not.toBeNull();
    let ran = 0;
    const runner = startJobRunner({ db: anotherProcess().db, dialect }, [{ name: 'j', everyMs: 1000, leaseMs: 30_000, run: async () => { ran++; } }], { now, timer: false });
    clock += 5_000;
    await runner.tick();
    expect(ran).toBe(0); // due again, but the lease still runs
    clock += 30_000;
    await runner.tick();
    expect(ran).toBe(1);
    await runner.stop();
  });

  it('a failed run is recorded with its error and does not block the next one', async () => {
    let clock = Date.parse('2026-09-01T00:00:00Z');
    const now = () => new Date(clock);
    let fail = true;
    const errors: unknown[] = [];
    const runner = startJobRunner({ db: t.db, dialect }, [{
      name: 'flaky', everyMs: 1000, run: async () => { if (fail) throw new Error('数据库忙'); return 3; },
    }], { now, timer: false, onError: (_, e) => errors.push(e) });
    await runner.tick();
    fail = false;
    clock += 1000;
    await runner.tick();
    const runs = await listJobRuns(t.db, 'flaky');
    expect(runs.map((r) => [r.outcome, r.items])).toEqual([['failed', null], ['ok', 3]]);
    expect(errors).toHaveLength(1);
    const row = await t.db.selectFrom('scheduled_jobs').selectAll().where('name', '=', 'flaky').executeTakeFirstOrThrow();
    expect(row.lease_owner).toBeNull();
    expect(row.last_error).toBeNull();
    await runner.stop();
  });

  it('a clock that was set back does not stall a job', async () => {
    let clock = Date.parse('2026-09-01T10:00:00Z');
    const now = () => new Date(clock);
    let ran = 0;
    const runner = startJobRunner({ db: t.db, dialect }, [{ name: 'c', everyMs: 60_000, run: async () => { ran++; } }], { now, timer: false });
    await runner.tick();
    clock -= 3_600_000; // the machine's clock was an hour fast, and is corrected
    await runner.tick();
    expect(ran).toBe(2);
    await runner.tick();
    expect(ran).toBe(2); // and then on the interval again
    await runner.stop();
  });

  it('old run rows are dropped', async () => {
    let clock = Date.parse('2026-09-01T00:00:00Z');
    const now = () => new Date(clock);
    const runner = startJobRunner({ db: t.db, dialect }, [{ name: 'r', everyMs: 3_600_000, run: async () => {} }], { now, timer: false, keepRunsMs: 2 * 3_600_000 });
    for (let h = 0; h < 6; h++) {
      await runner.tick();
      clock += 3_600_000;
    }
    expect((await listJobRuns(t.db, 'r')).length).toBeLessThanOrEqual(3);
    await runner.stop();
  });
});
