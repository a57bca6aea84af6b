// npm run bench:tally — tallies at Pingdu scale (issue 12), on SQLite, through the real app:
//  - builds the database once with `npm run seed -- --pingdu` under data/bench-pingdu/ (reused
//    afterwards; BENCH_TALLY_VILLAGES=200 builds and uses data/bench-tally-200/ instead, for the
//    second size), then migrates it and runs the tallies' catch-up to completion (timed);
//  - starts the real server (bench/support/server-main.ts: createApp with every guard, real
//    sessions, WAL, synchronous = FULL) and times how long until it answers;
//  - logs in as township staff and a committee member and measures, sequentially, p50/p95 of a
//    township's ranking, a village's household list, a household's page (targets < 50 ms p95) and
//    the committee's review queue (< 100 ms p95).
// Prints the figures and ends with one line of JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openDatabase } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { startTallyCatchUp } from '../server/tallies/catch-up';
import { REPO_ROOT, login } from './support/server';

const VILLAGES = Number(process.env.BENCH_TALLY_VILLAGES ?? 1788);
// BENCH_TALLY_DIR=/tmp/… keeps the (13 GB) database outside the checkout.
const DIR = process.env.BENCH_TALLY_DIR ?? path.join(REPO_ROOT, 'data', VILLAGES === 1788 ? 'bench-pingdu' : `bench-tally-${VILLAGES}`);
const PASSWORD = 'cunxin-scale';
const RUNS = Number(process.env.BENCH_TALLY_RUNS ?? 60);
const WARMUP = 5;
const MAIN_TIMEOUT_S = Number(process.env.BENCH_TALLY_MAIN_TIMEOUT_S ?? 0);
const TARGETS = { rankingP95: 50, householdsP95: 50, householdP95: 50, queueP95: 100 };

const log = (line: string) => console.log(line);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const r1 = (n: number) => Math.round(n * 10) / 10;

function ensureSeeded(): number {
  const file = path.join(DIR, 'cunxin.sqlite');
  const marker = path.join(DIR, 'seeded.json');
  if (fs.existsSync(marker) && fs.existsSync(file)) return 0;
  fs.mkdirSync(DIR, { recursive: true });
  log(`seeding ${VILLAGES} villages into ${path.relative(REPO_ROOT, DIR)} (once; reused by later runs) …`);
  const t0 = performance.now();
  const args = VILLAGES === 1788 ? ['--pingdu'] : ['--villages', String(VILLAGES), '--households', '177', '--entries', '3636'];
  const r = spawnSync('npm', ['run', 'seed', '--', ...args, '--data-dir', DIR, '--reset'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('seed failed');
  const s = (performance.now() - t0) / 1000;
  fs.writeFileSync(marker, JSON.stringify({ villages: VILLAGES, seconds: s, at: new Date().toISOString() }));
  return s;
}

async function prepare() {
  const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(DIR, 'cunxin.sqlite') });
  const t0 = performance.now();
  const applied = await migrateToLatest(database.db);
  const migrateMs = performance.now() - t0;
  const deps = { db: database.db, dialect: database.dialect, now: () => new Date() };
  const t1 = performance.now();
  // BENCH_TALLY_CATCHUP=0 leaves the catch-up to finish later (the township measured must be rebuilt).
  const rebuilt = process.env.BENCH_TALLY_CATCHUP === '0' ? 0
    : await startTallyCatchUp(deps, { onVillage: (n) => { if (n % 100 === 0) log(`  catch-up: ${n} villages rebuilt`); } }).done;
  const catchUpS = (performance.now() - t1) / 1000;
  const township = await database.db.selectFrom('townships').select(['id', 'code']).orderBy('code').executeTakeFirstOrThrow();
  const villages = await database.db.selectFrom('villages').select(['id', 'code']).where('township_id', '=', township.id).orderBy('code').execute();
  const households = await database.db.selectFrom('households').select(['id', 'village_id']).where('village_id', 'in', villages.slice(0, 20).map((v) => v.id)).execute();
  const counts = {
    villages: Number((await database.db.selectFrom('villages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    entries: Number((await database.db.selectFrom('tally_villages').select((eb) => eb.fn.sum<number>('live_entries').as('n')).executeTakeFirstOrThrow()).n),
  };
  await database.close();
  return { applied, migrateMs, rebuilt, catchUpS, township, villages, households, counts };
}

/**
 * Start-up of the real `npm start` (server/main.ts: job runner, settlement and tally catch-up in
 * the background) on the database as the seed left it — tallies not rebuilt, a week of ended
 * notice windows — until it answers, and how fast it answers a township's ranking and a village's
 * review queue while that catch-up runs.
 */
async function startMainCold(township: string, committee: string, villageId: string): Promise<{ answerMs: number; rankingMs: number; queueMs: number }> {
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: DIR, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'info' };
  delete env.PII_KEY;
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/main.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    const url = await new Promise<string | null>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => { out += c.toString(); const m = /"urls":\["(http:\/\/[^"]+)"/.exec(out); if (m) resolve(m[1]); });
      child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
      child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
      // BENCH_TALLY_MAIN_TIMEOUT_S: give up waiting (reported as not answering within it).
      if (MAIN_TIMEOUT_S > 0) setTimeout(() => resolve(null), MAIN_TIMEOUT_S * 1000);
    });
    if (url === null) {
      log(`npm start did not answer within ${MAIN_TIMEOUT_S} s; last output:\n${out.slice(-1500)}`);
      return { answerMs: -1, rankingMs: -1, queueMs: -1 };
    }
    const answerMs = performance.now() - t0;
    const t = await login(url, township, PASSWORD);
    const t1 = performance.now();
    const r = await fetch(`${url}/api/township/ranking`, { headers: { cookie: t } });
    await r.arrayBuffer();
    const rankingMs = performance.now() - t1;
    const c = await login(url, committee, PASSWORD);
    const t2 = performance.now();
    const q = await fetch(`${url}/api/review/queue?villageId=${villageId}`, { headers: { cookie: c } });
    await q.arrayBuffer();
    return { answerMs, rankingMs: r.status === 200 ? rankingMs : -1, queueMs: q.status === 200 ? performance.now() - t2 : -1 };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // A main thread that never yields does not handle SIGTERM either.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

async function startServer(): Promise<{ url: string; startMs: number; stop(): Promise<void> }> {
  const t0 = performance.now();
  // The seed left its PII key file in the data directory; the server loads it from there.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: DIR, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' };
  delete env.PII_KEY;
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench/support/server-main.ts'), path.join(DIR, 'no-client')], {
    cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); const m = /listening on (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, startMs: performance.now() - t0,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measure(name: string, cookie: string, urls: () => string): Promise<{ p50: number; p95: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const u = urls();
    const t0 = performance.now();
    const res = await fetch(u, { headers: { cookie } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
    if (i >= WARMUP) { times.push(ms); bytes = body.byteLength; }
  }
  return { p50: r1(quantile(times, 0.5)), p95: r1(quantile(times, 0.95)), bytes };
}

async function main(): Promise<void> {
  log(`tally benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const seedS = ensureSeeded();
  // The real server first, on the database as it is (catch-up and settlement still to do on a fresh seed).
  const first = await (async () => {
    const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(DIR, 'cunxin.sqlite') });
    const t = await database.db.selectFrom('townships').select(['id', 'code']).orderBy('code').executeTakeFirstOrThrow();
    const v = await database.db.selectFrom('villages').select(['id', 'code']).where('township_id', '=', t.id).orderBy('code').executeTakeFirstOrThrow();
    const pending = await database.db.selectFrom('villages').leftJoin('tally_rebuilt', 'tally_rebuilt.village_id', 'villages.id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('tally_rebuilt.village_id', 'is', null).executeTakeFirstOrThrow().catch(() => ({ n: -1 }));
    const ended = await database.db.selectFrom('notices').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open')
      .where('ends_at', '<', new Date().toISOString()).executeTakeFirstOrThrow();
    await database.close();
    const r = await startMainCold(`${t.code}-township`, `${v.code}-committee1`, v.id);
    return { ...r, catchUpPending: Number(pending.n), endedNotices: Number(ended.n) };
  })();
  log(`npm start on this database (${first.catchUpPending} villages' tallies to rebuild, ${first.endedNotices} ended notice windows to settle): answering after ${r1(first.answerMs)} ms; first ranking ${r1(first.rankingMs)} ms, first review queue ${r1(first.queueMs)} ms while the catch-up runs`);
  const p = await prepare();
  log(`database: ${p.counts.villages} villages, ${p.counts.entries.toLocaleString('en-US')} entries (live, from the tallies); migrations applied now: ${p.applied.join(', ') || 'none'} in ${r1(p.migrateMs)} ms`);
  log(`catch-up: ${p.rebuilt} villages rebuilt in ${r1(p.catchUpS)} s${p.rebuilt ? ` (${r1((p.catchUpS * 1000) / p.rebuilt)} ms per village)` : ' (already done)'}`);
  const server = await startServer();
  log(`server answering after ${r1(server.startMs)} ms`);
  try {
    const township = await login(server.url, `${p.township.code}-township`, PASSWORD);
    let i = 0;
    const next = <T>(xs: readonly T[]) => xs[(i++ * 7919) % xs.length];
    const ranking = await measure('ranking', township, () => `${server.url}/api/township/ranking`);
    const households = await measure('village households', township, () => `${server.url}/api/villages/${next(p.villages).id}/households`);
    const household = await measure('household page', township, () => `${server.url}/api/households/${next(p.households).id}`);
    const v = p.villages[0];
    const committee = await login(server.url, `${v.code}-committee1`, PASSWORD);
    const queue = await measure('review queue', committee, () => `${server.url}/api/review/queue?villageId=${v.id}`);
    const queueEvidence = await measure('review queue, with photos only', committee, () => `${server.url}/api/review/queue?villageId=${v.id}&evidence=yes`);
    const queueFiltered = await measure('review queue, deductions without photos', committee, () => `${server.url}/api/review/queue?villageId=${v.id}&evidence=no&sign=deduction`);
    const met = (x: number, t: number) => (x < t ? 'met' : 'NOT met');
    log(`township ranking (${p.villages.length} villages): p50 ${ranking.p50} ms, p95 ${ranking.p95} ms (< ${TARGETS.rankingP95}: ${met(ranking.p95, TARGETS.rankingP95)}), ${ranking.bytes} bytes`);
    log(`village household list: p50 ${households.p50} ms, p95 ${households.p95} ms (< ${TARGETS.householdsP95}: ${met(households.p95, TARGETS.householdsP95)}), ${households.bytes} bytes`);
    log(`household page: p50 ${household.p50} ms, p95 ${household.p95} ms (< ${TARGETS.householdP95}: ${met(household.p95, TARGETS.householdP95)})`);
    log(`committee review queue (GET /api/review/queue?villageId=…, as this branch serves it): p50 ${queue.p50} ms, p95 ${queue.p95} ms (< ${TARGETS.queueP95}: ${met(queue.p95, TARGETS.queueP95)}), ${queue.bytes} bytes`);
    log(`  … &evidence=yes: p50 ${queueEvidence.p50} ms, p95 ${queueEvidence.p95} ms (${met(queueEvidence.p95, TARGETS.queueP95)}); &evidence=no&sign=deduction: p50 ${queueFiltered.p50} ms, p95 ${queueFiltered.p95} ms (${met(queueFiltered.p95, TARGETS.queueP95)})`);
    console.log(JSON.stringify({
      bench: 'tally', at: new Date().toISOString(), villages: p.counts.villages, entries: p.counts.entries, seed_s: r1(seedS),
      catchup_villages: p.rebuilt, catchup_s: r1(p.catchUpS), server_start_ms: r1(server.startMs),
      main_start_ms: r1(first.answerMs), main_start_catchup_pending: first.catchUpPending, main_start_ended_notices: first.endedNotices,
      main_first_ranking_ms: r1(first.rankingMs), main_first_queue_ms: r1(first.queueMs),
      ranking_p50_ms: ranking.p50, ranking_p95_ms: ranking.p95, households_p50_ms: households.p50, households_p95_ms: households.p95,
      household_p50_ms: household.p50, household_p95_ms: household.p95, queue_p50_ms: queue.p50, queue_p95_ms: queue.p95, queue_bytes: queue.bytes,
      queue_evidence_p95_ms: queueEvidence.p95, queue_filtered_p95_ms: queueFiltered.p95,
      load: os.loadavg()[0],
    }));
  } finally {
    await server.stop();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
