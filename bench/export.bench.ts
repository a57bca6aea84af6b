// npm run bench:export — a township's year of entries at Pingdu density (177 households and 3,636
// entries per village, scripts/seed.ts --pingdu) exported through the real server as CSV and XLSX
// (GET /api/township/exports/entries), while two phones keep pushing entries of another township:
// rows/s of each export, the server's peak memory (RSS) during it, and the p95 of the sync pushes
// during the export against the p95 without (target: within 2×). BENCH_EXPORT_VILLAGES sets the
// township's size (default 24 villages ≈ 87,000 entries; Pingdu's townships hold about 100).
// Prints the figures and one JSON line.
import os from 'node:os';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { BENCH_PASSWORD, seedVillageForBench, type BenchVillage } from '../server/seed/bench';
import { hashSecret } from '../server/auth/password';
import { createBenchData, login, startBenchServer, type BenchServer } from './support/server';
import { BenchDevice, loadRoster, makeEntryMutations } from './support/ingest';
import { ensureClientBuild } from './support/bootstrap';

const VILLAGES = Number(process.env.BENCH_EXPORT_VILLAGES ?? 24);
const HOUSEHOLDS = 177;
const ENTRIES = 3636;
const PUSH_BATCH = 50;
const BASELINE_PUSHES = 30;
const log = (line: string) => console.log(line);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : 0;
};
const mb = (b: number) => Math.round(b / 1048576);

interface ExportRun { format: string; rows: number; ms: number; rowsPerS: number; bytes: number; peakRssMB: number; pushes: number; syncP95Ms: number }

/** Two phones push batches of entries back to back until `until()` says stop (or `count` pushes). */
async function keepPushing(devices: BenchDevice[], batches: string[][], until: () => boolean, count = Infinity): Promise<number> {
  let done = 0;
  await Promise.all(devices.map(async (d, i) => {
    while (!until() && done < count) {
      const next = batches[i].shift();
      if (!next) break;
      await d.sync(next);
      done++;
    }
  }));
  return done;
}

async function runExport(server: BenchServer, cookie: string, year: number, format: 'csv' | 'xlsx', devices: BenchDevice[], batches: string[][]): Promise<ExportRun> {
  await server.takeExchanges();
  let finished = false;
  let peak = 0;
  const poll = (async () => {
    while (!finished) {
      const m = (await (await fetch(`${server.url}/__bench/memory`)).json()) as { rss: number };
      peak = Math.max(peak, m.rss);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const t0 = performance.now();
  const exporting = (async () => {
    const res = await fetch(`${server.url}/api/township/exports/entries?year=${year}&format=${format}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (format === 'csv') for (const b of chunk) if (b === 10) lines++;
    }
    return { bytes, lines, ms: performance.now() - t0 };
  })().finally(() => { finished = true; });
  const pushes = await keepPushing(devices, batches, () => finished);
  const { bytes, lines, ms } = await exporting;
  await poll;
  const exchanges = (await server.takeExchanges()).filter((e) => e.status === 200);
  return { format, rows: lines - 1, ms: Math.round(ms), rowsPerS: 0, bytes, peakRssMB: mb(peak), pushes, syncP95Ms: Math.round(quantile(exchanges.map((e) => e.ms), 0.95) * 10) / 10 };
}

async function main(): Promise<void> {
  log(`export benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const distDir = ensureClientBuild(log);
  const data = await createBenchData('cunxin-bench-export-');
  const db = data.deps.db;
  log(`seeding ${VILLAGES} villages × ${HOUSEHOLDS} households × ${ENTRIES} entries into one township …`);
  const t0 = performance.now();
  const villages: BenchVillage[] = [];
  for (let i = 0; i < VILLAGES; i++) villages.push(await seedVillageForBench(data.deps, { households: HOUSEHOLDS, entries: ENTRIES, seed: 300 + i }));
  const townshipId = villages[0].townshipId;
  // The seeder makes a township per village: gather them into the first one (a village's township is all that places it).
  await db.updateTable('villages').set({ township_id: townshipId }).where('id', 'in', villages.map((v) => v.villageId)).execute();
  const clerk = { username: 'bench-export-township', password: BENCH_PASSWORD };
  await db.insertInto('users').values({
    id: uuidv7(), username: clerk.username, display_name: '基准镇干部', role: 'township', township_id: townshipId, household_id: null, phone: null,
    password_hash: await hashSecret(BENCH_PASSWORD), pin_hash: null, created_at: new Date().toISOString(),
  }).execute();
  // The phones push into a village of another township.
  const pushVillage = await seedVillageForBench(data.deps, { households: 300, entries: 0, seed: 990 });
  const roster = await loadRoster(db, pushVillage.villageId, pushVillage.catalogVersionId, pushVillage.collector.userId);
  const years = await db.selectFrom('entries').select([sql<string>`substr(occurred_on, 1, 4)`.as('y'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('village_id', 'in', villages.map((v) => v.villageId)).groupBy(sql`substr(occurred_on, 1, 4)`).execute();
  const best = years.sort((a, b) => Number(b.n) - Number(a.n))[0];
  const year = Number(best.y);
  log(`seeded in ${Math.round((performance.now() - t0) / 1000)} s; year ${year} holds ${Number(best.n).toLocaleString('en-US')} entries (of ${years.reduce((s, r) => s + Number(r.n), 0).toLocaleString('en-US')})`);
  await data.database.close();

  const server = await startBenchServer(data, { distDir });
  try {
    const cookie = await login(server.url, clerk.username, clerk.password);
    const phoneCookie = await login(server.url, pushVillage.collector.username, pushVillage.collector.password);
    const devices = [new BenchDevice(server.url, phoneCookie), new BenchDevice(server.url, phoneCookie)];
    for (const d of devices) await d.catchUp();
    const now = new Date();
    const batches = devices.map((d, i) => d.prepare(makeEntryMutations(roster, 200 * PUSH_BATCH, now, 40 + i), PUSH_BATCH));
    // Warm-up, then pushes without an export.
    await keepPushing(devices, batches, () => false, 6);
    await server.takeExchanges();
    await keepPushing(devices, batches, () => false, BASELINE_PUSHES);
    const baseline = (await server.takeExchanges()).filter((e) => e.status === 200).map((e) => e.ms);
    const baselineP95 = Math.round(quantile(baseline, 0.95) * 10) / 10;
    log(`sync push (${PUSH_BATCH} entries) without an export: p95 ${baselineP95} ms over ${baseline.length} pushes`);
    const runs: ExportRun[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      const r = await runExport(server, cookie, year, format, devices, batches);
      r.rows = format === 'csv' ? r.rows : Number(best.n);
      r.rowsPerS = Math.round(r.rows / (r.ms / 1000));
      runs.push(r);
      log(`${format}: ${r.rows.toLocaleString('en-US')} rows in ${r.ms} ms = ${r.rowsPerS.toLocaleString('en-US')} rows/s, ${mb(r.bytes)} MB; server peak RSS ${r.peakRssMB} MB; `
        + `${r.pushes} pushes meanwhile, p95 ${r.syncP95Ms} ms (${(r.syncP95Ms / baselineP95).toFixed(2)}× without; target ≤ 2×)`);
    }
    const met = runs.every((r) => r.syncP95Ms <= 2 * baselineP95);
    log(met ? 'target met: sync p95 during each export within 2× of without' : 'target NOT met: sync p95 during an export above 2× of without');
    console.log(JSON.stringify({
      bench: 'export', villages: VILLAGES, households: VILLAGES * HOUSEHOLDS, year, entriesInYear: Number(best.n),
      syncBaselineP95Ms: baselineP95, runs, targetMet: met,
    }));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
