// kill -9 of a real server process at many random points while several phones push
// (security.md "Tests that show it"; issue 3). See harness.ts for what is done and checked.
// CRASH_SEED=<n> repeats a run's kill timings and batch shapes; CRASH_KILLS=<n> kills more often
// (a soak run; default 15 on SQLite, 5 on PostgreSQL); CRASH_VERBOSE=1 logs every kill.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects } from '../../test/databases';
import { freePort, REPO_ROOT, startServerProcess } from '../../test/processes';
import { runCrashHarness, type HarnessOptions, type HarnessReport } from './harness';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NON_IDEMPOTENT = path.join(HERE, 'non-idempotent-main.ts');
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
const VERBOSE = process.env.CRASH_VERBOSE === '1';
const KILLS = process.env.CRASH_KILLS ? Number(process.env.CRASH_KILLS) : null;
/** Generous: a restart takes 2–10 s on a loaded 2-core machine, and kills go on until answers were lost. */
const TIMEOUT_MS = 400_000 + (KILLS ?? 0) * 20_000;
const HAS_PG = (await testDialects()).includes('postgres');

const base: Omit<HarnessOptions, 'dialect'> = {
  devices: 4, bootKills: 2, minKills: KILLS ?? 15, maxKills: Math.max(40, (KILLS ?? 0) + 25), maxKillDelayMs: 300, minLostAnswers: 3, batchMax: 10, seed: SEED,
  log: VERBOSE ? (l) => console.log(l) : undefined,
};

function summary(r: HarnessReport): string {
  return `seed ${SEED}: ${r.bootKills} kills while starting (${r.bootKillsBeforeReady} before it listened), ${r.kills} kills (${r.killsWithRequestsInFlight} with requests in flight, ${r.requestsCutOff} cut off), `
    + `${r.lostAnswers} lost answers replayed, ${r.requests} requests, ${r.uniqueSent} entries, ${r.rows} rows, `
    + `${(r.durationMs / 1000).toFixed(1)} s`;
}

function expectSurvived(r: HarnessReport, minKills: number): void {
  expect(r.problems, summary(r)).toEqual([]);
  expect(r.kills).toBeGreaterThanOrEqual(minKills);
  // The cases that matter really happened: kills cut requests off, and answers were lost
  // (the server had committed, the phone never heard it, and its replay was acknowledged once).
  expect(r.killsWithRequestsInFlight).toBeGreaterThan(0);
  expect(r.lostAnswers).toBeGreaterThan(0);
  expect(r.rows).toBe(r.uniqueSent);
  expect(r.acked).toBe(r.uniqueSent);
}

// server/main.ts builds the client on its first start when dist/client is missing (a fresh
// checkout: `npm test` builds only for the e2e project, after this one). Let one start do that
// before the harnesses run, so that two of them do not build into the same directory at once.
beforeAll(async () => {
  if (fs.existsSync(path.join(REPO_ROOT, 'dist', 'client', 'index.html'))) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-crash-build-'));
  try {
    const proc = await startServerProcess({ port: await freePort(), env: { DATA_DIR: dataDir, DATABASE_URL: '' }, timeoutMs: 600_000 });
    await proc.kill('SIGTERM');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 660_000);

// Concurrent: each run spends most of its time waiting for a server process to start, and they
// share nothing (own data directory, port and database).
describe.concurrent('crash harness: real server process killed with SIGKILL while phones push', () => {
  it('SQLite: every acknowledged entry exactly once, integrity_check ok', async () => {
    const r = await runCrashHarness({ ...base, dialect: 'sqlite' });
    console.log(`[crash] SQLite: ${summary(r)}`);
    expectSurvived(r, base.minKills);
  }, TIMEOUT_MS);

  it('detects duplicates in a server that forgets mutation ids (proof that the harness can fail)', async () => {
    const r = await runCrashHarness({ ...base, dialect: 'sqlite', entry: NON_IDEMPOTENT, bootKills: 0, minKills: 3, minLostAnswers: 1 });
    console.log(`[crash] NON-idempotent variant: ${summary(r)}; problems: ${r.problems.join(' | ')}`);
    expect(r.duplicates.length, summary(r)).toBeGreaterThan(0);
    expect(r.rows).toBeGreaterThan(r.uniqueSent);
    expect(r.problems).not.toEqual([]);
  }, TIMEOUT_MS);

  it.runIf(HAS_PG)('PostgreSQL: every acknowledged entry exactly once, consistency queries clean', async () => {
    const t = await createTestDatabase('postgres');
    try {
      const minKills = KILLS ?? 5;
      const r = await runCrashHarness({ ...base, dialect: 'postgres', databaseUrl: t.databaseUrl!, minKills, minLostAnswers: 1 });
      console.log(`[crash] PostgreSQL: ${summary(r)}`);
      expectSurvived(r, minKills);
    } finally {
      await t.drop();
    }
  }, TIMEOUT_MS);
});
