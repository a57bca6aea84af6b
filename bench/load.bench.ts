// npm run bench:load — 20 simulated phones against the real server process (server/main.ts, demo
// data) for 60 s: each pushes a batch of 50 new entries with its cursors (so the answer pulls what
// the other phones of its villages sent), then pulls until it is up to date, and again; a township
// official asks for the ranking every 2 s and a clerk downloads the year's entries as XLSX one
// export after another (BENCH_EXPORT=0 leaves it out). Prints requests/s, p50/p95/p99 latency and errors per
// run; BENCH_RUNS=3 repeats (min / median / max); ends with one JSON line.
//
//   BENCH_SECONDS=60 BENCH_PHONES=20 BENCH_RUNS=1 BENCH_RANKING=1 BENCH_DATABASE_URL=postgres://… BENCH_PROCESSES=3 npm run bench:load
//
// On PostgreSQL three server processes (BENCH_PROCESSES) share the database and the phones.
//
// The per-user sync budget is lifted (SYNC_RATE_PER_MINUTE) because a simulated phone sends as fast
// as the server answers, which a real one never does; the limiter still runs (in memory on SQLite, one upsert per sync on PostgreSQL).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import { freePort, startServerProcess, type ServerProcess } from '../server/test/processes';
import { openDatabase } from '../server/db/connect';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type SyncResponse } from '../shared/protocol/sync';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PHONES = Number(process.env.BENCH_PHONES ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const BATCH = 50;
const PG_URL = process.env.BENCH_DATABASE_URL ?? null;
// Several server processes share one PostgreSQL (issue 10): phones are spread over them.
const PROCESSES = PG_URL ? Number(process.env.BENCH_PROCESSES ?? 3) : 1;
const COLLECTORS = ['collector1', 'collector2'];

interface World { householdsByCollector: Map<string, string[]>; catalogVersionId: string; indicatorCode: string; points: number }

/**
 * One HTTP request. A kept-alive socket that the server closed as idle (keepAliveTimeout) just as
 * the request went out fails with ECONNRESET on a reused socket: retried once on a new one, as
 * browsers do (and a sync push may be repeated: its items are idempotent by id).
 */
function request(agent: http.Agent, url: string, method: string, body: string | null, cookie: string | null, retried = false): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return requestOnce(agent, url, method, body, cookie).catch((err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    if (!retried && err.code === 'ECONNRESET' && err.reusedSocket) return request(agent, url, method, body, cookie, true);
    throw err;
  });
}

function requestOnce(agent: http.Agent, url: string, method: string, body: string | null, cookie: string | null): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (body !== null) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => { err.reusedSocket = req.reusedSocket; reject(err); });
    if (body !== null) req.write(body);
    req.end();
  });
}

async function login(agent: http.Agent, base: string, username: string, password: string): Promise<string> {
  const res = await request(agent, `${base}/api/auth/login`, 'POST', JSON.stringify({ username, password }), null);
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  const set = res.headers['set-cookie'] ?? [];
  return set.map((c) => c.split(';')[0]).find((c) => c.includes('session'))!;
}

async function loadWorld(dataDir: string): Promise<World> {
  const handle = openDatabase({ databaseUrl: PG_URL, sqlitePath: path.join(dataDir, 'cunxin.sqlite') });
  try {
    const householdsByCollector = new Map<string, string[]>();
    for (const username of COLLECTORS) {
      const rows = await handle.db.selectFrom('households').innerJoin('user_villages', 'user_villages.village_id', 'households.village_id')
        .innerJoin('users', 'users.id', 'user_villages.user_id').where('users.username', '=', username).where('households.deleted', '=', 0)
        .select('households.id').execute();
      householdsByCollector.set(username, rows.map((r) => r.id));
    }
    const ind = await handle.db.selectFrom('indicators').innerJoin('catalog_versions', 'catalog_versions.id', 'indicators.catalog_version_id')
      .where('catalog_versions.status', '=', 'published').where('indicators.cap_count', 'is', null).where('indicators.sign', '=', 1)
      .where('indicators.subject', '=', 'household').where('indicators.recorder_roles', 'like', '%collector%')
      .select(['indicators.code', 'indicators.points_min', 'catalog_versions.id as cv']).orderBy('indicators.code').executeTakeFirstOrThrow();
    return { householdsByCollector, catalogVersionId: ind.cv, indicatorCode: ind.code, points: ind.points_min };
  } finally {
    await handle.close();
  }
}

/**
 * CPU seconds used so far by each thread of a process, by thread name (/proc/<pid>/task/<tid>/stat:
 * utime + stime in clock ticks of 1/100 s). CPU per request is what the server can change; unlike
 * wall-clock latency it barely moves with the load of the machine (other engineers' jobs).
 */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[];
  try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return byName; }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Node names its worker threads like the main one ("node"): the main thread is the one whose id is the pid.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const name = tid === String(pid) ? 'main' : comm === 'node' ? 'workers' : comm;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
      // Time spent runnable but waiting for a core (schedstat's second field, ns): high when the
      // machine's other work takes the cores, low when the server waits on itself (locks, disk).
      const waited = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
      byName.set(`${name} waiting for a core`, (byName.get(`${name} waiting for a core`) ?? 0) + waited);
    } catch { /* the thread ended */ }
  }
  return byName;
}

function cpuSince(before: Map<string, number>[], after: Map<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  after.forEach((m, i) => {
    for (const [name, s] of m) out[name] = (out[name] ?? 0) + s - (before[i].get(name) ?? 0);
  });
  return out;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

interface RunResult { requests: number; rps: number; p50: number; p95: number; p99: number; errors: number; entries: number; rankings: number; exports: number; serverCpuMsPerRequest: number; benchCpuMsPerRequest: number; serverThreadsCpuS: Record<string, number> }

async function runOnce(procs: ServerProcess[], world: World): Promise<RunResult> {
  const base = procs[0].url;
  const latencies: number[] = [];
  let errors = 0;
  let entries = 0;
  let rankings = 0;
  let exports = 0;
  // Set when every phone has logged in and caught up (the catch-up is not what is measured).
  let deadline = Infinity;
  let caughtUp = 0;
  const occurredOn = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
  const timed = async (agent: http.Agent, url: string, cookie: string, body: string) => {
    const t = performance.now();
    try {
      const res = await request(agent, `${url}/api/sync`, 'POST', body, cookie);
      // Only what completed inside the measured window counts (an export may run past it).
      if (Date.now() <= deadline) latencies.push(performance.now() - t);
      if (res.status !== 200) { errors++; return null; }
      return JSON.parse(res.text) as SyncResponse;
    } catch {
      errors++;
      return null;
    }
  };
  const phone = async (i: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const username = COLLECTORS[i % COLLECTORS.length];
    const households = world.householdsByCollector.get(username)!;
    const url = procs[i % procs.length].url;
    const cookie = await login(agent, url, username, 'cunxin-collect');
    const deviceId = uuidv7();
    let cursors: Record<string, number> = {};
    let seq = 0;
    const envelope = (mutations: unknown[]) => JSON.stringify({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId, mutations, cursors, pullLimit: 1000 });
    const keep = (res: SyncResponse | null) => {
      if (!res) return false;
      cursors = { ...cursors };
      for (const page of res.changes) cursors[page.scope] = page.cursor;
      return res.hasMore;
    };
    const batch = () => {
      const at = new Date().toISOString();
      return Array.from({ length: BATCH }, () => ({
        id: uuidv7(), kind: 'entry.create', deviceSeq: ++seq, at,
        payload: { entryId: uuidv7(), householdId: households[Math.floor(Math.random() * households.length)], personId: null, catalogVersionId: world.catalogVersionId, indicatorCode: world.indicatorCode, occurredOn, points: world.points, note: 'bench:load', reverses: null },
      }));
    };
    const catchUp = async () => {
      for (let r = 0; r < 2000; r++) {
        const res = await request(agent, `${url}/api/sync`, 'POST', envelope([]), cookie);
        if (!keep(JSON.parse(res.text) as SyncResponse)) break;
      }
    };
    // Catch up first (the bootstrap is not what this benchmark measures), then one push not
    // counted: the first pushes after start-up run cold code (compiling, preparing statements)
    // and took 1.2 s each, all 20 at once, which alone made the run's p99.
    await catchUp();
    await request(agent, `${url}/api/sync`, 'POST', envelope(batch()), cookie);
    await catchUp();
    caughtUp++;
    await startLine;
    while (Date.now() < deadline) {
      const pushed = await timed(agent, url, cookie, envelope(batch()));
      if (pushed) entries += pushed.results.filter((r) => r.status === 'applied').length;
      let more = keep(pushed);
      for (let r = 0; more && r < 5 && Date.now() < deadline; r++) more = keep(await timed(agent, url, cookie, envelope([])));
    }
    agent.destroy();
  };
  let go!: () => void;
  const startLine = new Promise<void>((r) => { go = r; });
  const township = async () => {
    if (process.env.BENCH_RANKING === '0') return;
    const agent = new http.Agent({ keepAlive: true });
    const cookie = await login(agent, base, 'township', 'cunxin-town');
    await startLine;
    while (Date.now() < deadline) {
      const res = await request(agent, `${base}/api/township/ranking`, 'GET', null, cookie);
      if (res.status === 200) rankings++; else errors++;
      await new Promise((r) => setTimeout(r, 2000));
    }
    agent.destroy();
  };
  // A township clerk downloads the year's entries as XLSX, one after another (issue 10: "while a
  // township ranking and an export run"); BENCH_EXPORT=0 leaves it out.
  const exporter = async () => {
    if (process.env.BENCH_EXPORT === '0') return;
    const agent = new http.Agent({ keepAlive: true });
    const cookie = await login(agent, base, 'township', 'cunxin-town');
    await startLine;
    const year = new Date().getFullYear();
    while (Date.now() < deadline) {
      const res = await request(agent, `${base}/api/township/exports/entries?year=${year}&format=xlsx`, 'GET', null, cookie);
      if (res.status === 200) exports++; else errors++;
      await new Promise((r) => setTimeout(r, 1000));
    }
    agent.destroy();
  };
  const phones = Array.from({ length: PHONES }, (_, i) => phone(i));
  const town = township();
  const clerk = exporter();
  while (caughtUp < PHONES) await new Promise((r) => setTimeout(r, 100)); // logins and catch-up
  const started = Date.now();
  deadline = started + SECONDS * 1000;
  latencies.length = 0;
  errors = 0;
  const cpuBefore = procs.map((p) => threadCpu(p.pid));
  const benchBefore = process.cpuUsage();
  go();
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
  const threads = cpuSince(cpuBefore, procs.map((p) => threadCpu(p.pid)));
  const benchCpu = process.cpuUsage(benchBefore);
  await Promise.all([...phones, town, clerk]);
  const seconds = Math.min((Date.now() - started) / 1000, SECONDS);
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  const perRequest = (seconds: number) => round((seconds * 1000) / Math.max(1, sorted.length));
  const serverCpu = Object.entries(threads).filter(([k]) => !k.endsWith('waiting for a core')).reduce((a, [, b]) => a + b, 0);
  return {
    requests: sorted.length, rps: round(sorted.length / seconds), p50: round(pct(sorted, 50)), p95: round(pct(sorted, 95)), p99: round(pct(sorted, 99)), errors, entries, rankings, exports,
    serverCpuMsPerRequest: perRequest(serverCpu), benchCpuMsPerRequest: perRequest((benchCpu.user + benchCpu.system) / 1e6),
    serverThreadsCpuS: Object.fromEntries(Object.entries(threads).filter(([, v]) => v >= 0.05).map(([k, v]) => [k, round(v)])),
  };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-load-'));
  const dataDir = path.join(root, 'data');
  const env = { DATA_DIR: dataDir, KEY_DIR: path.join(root, 'keys'), DATABASE_URL: PG_URL ?? '', SYNC_RATE_PER_MINUTE: '1000000', HEAVY_CONCURRENCY: '64', NODE_ENV: 'production' };
  // The first process migrates and seeds the demo; the others start on the same database after it.
  const procs = [await startServerProcess({ port: await freePort(), env, timeoutMs: 180_000 })];
  for (let i = 1; i < PROCESSES; i++) procs.push(await startServerProcess({ port: await freePort(), env, timeoutMs: 180_000 }));
  (globalThis as { __procs?: ServerProcess[] }).__procs = procs;
  const results: RunResult[] = [];
  try {
    const world = await loadWorld(dataDir);
    for (let i = 0; i < RUNS; i++) {
      const r = await runOnce(procs, world);
      results.push(r);
      console.log(`run ${i + 1}: ${r.requests} requests in ${SECONDS} s = ${r.rps} req/s; p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms; ${r.errors} errors; ${r.entries} entries stored; ${r.rankings} rankings; ${r.exports} exports`);
      console.log(`  CPU per request: server ${r.serverCpuMsPerRequest} ms, the benchmark's phones ${r.benchCpuMsPerRequest} ms; server threads (CPU s): ${JSON.stringify(r.serverThreadsCpuS)}`);
    }
  } finally {
    for (const proc of procs) await proc.kill('SIGTERM');
    fs.rmSync(root, { recursive: true, force: true });
  }
  const by = (k: Exclude<keyof RunResult, 'serverThreadsCpuS'>) => {
    const xs = results.map((r) => r[k]).sort((a, b) => a - b);
    return { min: xs[0], median: xs[Math.floor(xs.length / 2)], max: xs[xs.length - 1] };
  };
  const rps = by('rps');
  const p99 = by('p99');
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const met = rps.median >= 100 && p99.median < 250 && errors === 0;
  console.log(JSON.stringify({
    bench: 'load', database: PG_URL ? 'postgres' : 'sqlite', processes: PROCESSES, phones: PHONES, batch: BATCH, seconds: SECONDS, runs: RUNS, cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), rps, p50: by('p50'), p95: by('p95'), p99, errors,
    serverCpuMsPerRequest: by('serverCpuMsPerRequest'), benchCpuMsPerRequest: by('benchCpuMsPerRequest'), target: { rps: 100, p99Ms: 250 }, met,
  }));
}

main().catch((err) => {
  console.error(err);
  for (const p of (globalThis as { __procs?: ServerProcess[] }).__procs ?? []) console.error(p.output().slice(-6000));
  process.exit(1);
});
