// npm run bench:sync — the sync benchmark of issue 3, in one run on SQLite:
//  (a) ingest through POST /api/sync (a real server process, real login cookies, batches of 200
//      as the phone's runner sends them, 4 devices at once) versus a raw batched insert of the
//      same rows into a database of the same kind: entries/s for both and their ratio;
//  (b) bootstrap of a 500-household, 20,000-entry village into a new phone: gzip bytes of the
//      sync answers, and the time until headless Chromium's Dexie database holds every entry;
//  (c) a push of 1,000 entries in one round trip: the server's time, p50 and p95 over 20 runs.
// Prints the figures, whether each target is met, and one line of JSON with all of them.
import fs from 'node:fs';
import os from 'node:os';
import { seedVillageForBench, type BenchVillage } from '../server/seed/bench';
import type { Mutation } from '../shared/protocol/sync';
import { createBenchData, login, startBenchServer, type BenchServer, type SyncExchange } from './support/server';
import { BenchDevice, CLIENT_BATCH, loadRoster, makeEntryMutations, rawInsert, rawInsertRowwise, rawRowsOf, type VillageRoster } from './support/ingest';
import { bootstrapInChromium, ensureClientBuild } from './support/bootstrap';

const TARGETS = { ingestRatio: 0.5, bootstrapBytes: 600_000, bootstrapMs: 3000 };
const INGEST_DEVICES = 4;
const INGEST_ROUNDS = 6; // rounds alternate raw and endpoint, so that load on the machine hits both alike
const INGEST_PER_ROUND = 400; // per device and round: 2 batches of 200
const WARMUP_PER_DEVICE = 400;
const PUSH_RUNS = 20;
const PUSH_WARMUP = 2;
const PUSH_ITEMS = 1000;

/** BENCH_PARTS=a,c runs only those parts (while working on one); the default runs all three. */
/** BENCH_CPU_SLOWDOWN=4: the bootstrap with Chromium's CPU slowed down fourfold (a cheap phone). */
const CPU_SLOWDOWN = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c').split(',').map((p) => p.trim()));

const log = (line: string) => console.log(line);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

async function main(): Promise<void> {
  const started = performance.now();
  log(`sync benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const distDir = ensureClientBuild(log);

  // ---- data: ingest villages, the push village and the bootstrap village, in one database ----
  log('seeding …');
  const data = await createBenchData('cunxin-bench-');
  const raw = await createBenchData('cunxin-bench-raw-');
  const rowwise = await createBenchData('cunxin-bench-rowwise-');
  // The raw inserts go into databases seeded exactly like the server's (the same villages, the
  // same ids): index sizes decide what an insert costs, so both sides write into the same database.
  const seedEverywhere = async (opts: Parameters<typeof seedVillageForBench>[1]) => {
    await seedVillageForBench(raw.deps, opts);
    await seedVillageForBench(rowwise.deps, opts);
    return seedVillageForBench(data.deps, opts);
  };
  const ingestVillages: BenchVillage[] = [];
  for (let i = 0; i < INGEST_DEVICES; i++) ingestVillages.push(await seedEverywhere({ households: 200, entries: 0, seed: 100 + i }));
  const pushVillage = await seedEverywhere({ households: 300, entries: 0, seed: 200 });
  const big = await seedEverywhere({ households: 500, entries: 20_000, seed: 7 });
  const rosters = await Promise.all(ingestVillages.map((v) => loadRoster(data.deps.db, v.villageId, v.catalogVersionId, v.collector.userId)));
  const pushRoster = await loadRoster(data.deps.db, pushVillage.villageId, pushVillage.catalogVersionId, pushVillage.collector.userId);
  await data.database.close();

  const server = await startBenchServer(data, { distDir, env: { CUNXIN_SYNC_MAX_BATCH_ITEMS: String(PUSH_ITEMS) } });
  try {
    const ingest = PARTS.has('a') ? await benchIngest(server, raw, rowwise, ingestVillages, rosters) : { endpointPerS: NaN, rawPerS: NaN, rowwisePerS: NaN, serverCpuUs: NaN, rawCpuUs: NaN };
    const push = PARTS.has('c') ? await benchPush(server, pushVillage, pushRoster) : { p50: NaN, p95: NaN };
    const boot = PARTS.has('b') ? await benchBootstrap(server, big) : { bytes: NaN, pages: NaN, msFromLogin: NaN, msFromFirstSync: NaN, idbFloorMs: NaN };

    const figures = {
      ingest_ratio: round(ingest.endpointPerS / ingest.rawPerS, 2),
      endpoint_entries_per_s: Math.round(ingest.endpointPerS),
      raw_entries_per_s: Math.round(ingest.rawPerS),
      raw_rowwise_entries_per_s: Math.round(ingest.rowwisePerS),
      endpoint_server_cpu_us_per_entry: Math.round(ingest.serverCpuUs),
      raw_cpu_us_per_entry: Math.round(ingest.rawCpuUs),
      bootstrap_gzip_bytes: boot.bytes,
      bootstrap_ms: Math.round(boot.msFromLogin),
      bootstrap_ms_from_first_sync: Math.round(boot.msFromFirstSync),
      bootstrap_pages: boot.pages,
      bootstrap_idb_floor_ms: Math.round(boot.idbFloorMs),
      bootstrap_cpu_slowdown: CPU_SLOWDOWN,
      push1000_p50_ms: round(push.p50, 1),
      push1000_p95_ms: round(push.p95, 1),
      cpus: os.cpus().length,
      load1: round(os.loadavg()[0], 1),
    };
    const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    log('');
    log('results');
    log(`  (a) ingest   endpoint ${fmt(figures.endpoint_entries_per_s)} entries/s, raw insert ${fmt(figures.raw_entries_per_s)} entries/s, ratio ${figures.ingest_ratio} (target ≥ ${TARGETS.ingestRatio}: ${met(figures.ingest_ratio >= TARGETS.ingestRatio)})`);
    log(`               (for scale: the same rows inserted one statement per row, one transaction per batch: ${fmt(figures.raw_rowwise_entries_per_s)} entries/s)`);
    log(`  (b) bootstrap ${fmt(figures.bootstrap_gzip_bytes)} bytes of gzip in ${boot.pages} answers (target ≤ ${fmt(TARGETS.bootstrapBytes)}: ${met(figures.bootstrap_gzip_bytes <= TARGETS.bootstrapBytes)}); ` +
      `${fmt(figures.bootstrap_ms)} ms from login to 20,000 entries in Dexie (${CPU_SLOWDOWN > 1 ? `CPU slowed down ${CPU_SLOWDOWN}×, the target is for no slowdown` : `target ≤ ${TARGETS.bootstrapMs}: ${met(figures.bootstrap_ms <= TARGETS.bootstrapMs)}`}; ${fmt(figures.bootstrap_ms_from_first_sync)} ms from the first sync request)`);
    log(`                plain IndexedDB writes of the same records in the same browser take ${fmt(figures.bootstrap_idb_floor_ms)} ms (the floor on this machine now)`);
    log(`  (c) push of ${PUSH_ITEMS} entries in one request: server time p50 ${figures.push1000_p50_ms} ms, p95 ${figures.push1000_p95_ms} ms (${PUSH_RUNS} runs)`);
    log(`  total ${fmt((performance.now() - started) / 1000, 1)} s`);
    console.log(JSON.stringify(figures));
  } finally {
    await server.stop();
    await raw.database.close();
    await rowwise.database.close();
    for (const dir of [data.dir, raw.dir, rowwise.dir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * (a) Ingest. Every device first pulls its village (its cursors) and pushes a warm-up, untimed.
 * Then rounds alternate: the raw insert of a slice of rows, then the same slice pushed by the four
 * devices at once. Each side's rate is its entries over its own time.
 */
type BenchData = Awaited<ReturnType<typeof createBenchData>>;

async function benchIngest(server: BenchServer, raw: BenchData, rowwise: BenchData, villages: BenchVillage[], rosters: VillageRoster[]) {
  log('(a) ingest …');
  const now = new Date();
  const perDevice = WARMUP_PER_DEVICE + INGEST_ROUNDS * INGEST_PER_ROUND;
  const mutations = rosters.map((r, i) => makeEntryMutations(r, perDevice, now, i + 1));
  const devices = await Promise.all(villages.map(async (v) => new BenchDevice(server.url, await login(server.url, v.collector.username, v.collector.password))));
  await Promise.all(devices.map((d) => d.catchUp()));
  await Promise.all(devices.map((d, i) => d.push(d.prepare(mutations[i].slice(0, WARMUP_PER_DEVICE)))));
  // The raw side warms up on the same rows, into its own database.
  await rawInsert(raw.database.db, rawBatches(mutations, rosters, devices, 0, WARMUP_PER_DEVICE, now));
  await rawInsertRowwise(rowwise.database.db, rawBatches(mutations, rosters, devices, 0, WARMUP_PER_DEVICE, now));
  await server.takeExchanges();

  let rawMs = 0;
  let rowwiseMs = 0;
  let endpointMs = 0;
  let rawCpuMs = 0;
  let serverCpuMs = 0;
  let entries = 0;
  let notApplied = 0;
  for (let r = 0; r < INGEST_ROUNDS; r++) {
    const from = WARMUP_PER_DEVICE + r * INGEST_PER_ROUND;
    const batches = rawBatches(mutations, rosters, devices, from, from + INGEST_PER_ROUND, now);
    const bodies = devices.map((d, i) => d.prepare(mutations[i].slice(from, from + INGEST_PER_ROUND)));
    const cpu0 = process.cpuUsage();
    let t0 = performance.now();
    await rawInsert(raw.database.db, batches);
    rawMs += performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    rawCpuMs += (cpu.user + cpu.system) / 1000;
    t0 = performance.now();
    await rawInsertRowwise(rowwise.database.db, batches);
    rowwiseMs += performance.now() - t0;
    const server0 = await server.cpuMs();
    t0 = performance.now();
    const runs = await Promise.all(devices.map((d, i) => d.push(bodies[i])));
    endpointMs += performance.now() - t0;
    serverCpuMs += (await server.cpuMs()) - server0;
    entries += INGEST_DEVICES * INGEST_PER_ROUND;
    notApplied += runs.reduce((s, x) => s + x.other, 0);
  }
  if (notApplied > 0) throw new Error(`${notApplied} pushed entries were not applied`);
  const exchanges = await server.takeExchanges();
  const perBatch = exchanges.filter((e) => e.status === 200).map((e) => e.ms);
  const serverCpuUs = (serverCpuMs / entries) * 1000;
  const rawCpuUs = (rawCpuMs / entries) * 1000;
  log(`    ${fmt(entries)} entries each way; server time per 200-entry request p50 ${fmt(quantile(perBatch, 0.5), 1)} ms; ` +
    `CPU per entry: server process ${fmt(serverCpuUs)} µs, raw insert ${fmt(rawCpuUs)} µs`);
  return { endpointPerS: (entries / endpointMs) * 1000, rawPerS: (entries / rawMs) * 1000, rowwisePerS: (entries / rowwiseMs) * 1000, serverCpuUs, rawCpuUs };
}

/** The raw rows of devices' mutations [from, to), in batches of 200 per device, devices interleaved. */
function rawBatches(mutations: Mutation[][], rosters: VillageRoster[], devices: BenchDevice[], from: number, to: number, now: Date) {
  const batches = [];
  for (let b = from; b < to; b += CLIENT_BATCH) {
    for (let i = 0; i < devices.length; i++) {
      batches.push(mutations[i].slice(b, Math.min(to, b + CLIENT_BATCH)).map((m) => rawRowsOf(m, rosters[i], devices[i].deviceId, now.toISOString())));
    }
  }
  return batches;
}

/** (c) 1,000 entries in one request, 20 times (after 2 untimed): the server's own time. */
async function benchPush(server: BenchServer, village: BenchVillage, roster: VillageRoster) {
  log(`(c) push of ${PUSH_ITEMS} entries in one request …`);
  const device = new BenchDevice(server.url, await login(server.url, village.collector.username, village.collector.password));
  await device.catchUp();
  const all = makeEntryMutations(roster, (PUSH_RUNS + PUSH_WARMUP) * PUSH_ITEMS, new Date(), 99);
  const times: number[] = [];
  for (let r = 0; r < PUSH_RUNS + PUSH_WARMUP; r++) {
    await server.takeExchanges();
    const run = await device.push(device.prepare(all.slice(r * PUSH_ITEMS, (r + 1) * PUSH_ITEMS), PUSH_ITEMS));
    if (run.applied !== PUSH_ITEMS || run.requests !== 1) throw new Error(`push run ${r}: ${JSON.stringify(run)}`);
    const [first] = await server.takeExchanges();
    if (r >= PUSH_WARMUP) times.push(first.ms);
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

/** (b) A new phone logs in and pulls the 500-household, 20,000-entry village. */
async function benchBootstrap(server: BenchServer, village: BenchVillage) {
  log(CPU_SLOWDOWN > 1 ? `(b) bootstrap in Chromium, CPU slowed down ${CPU_SLOWDOWN}× …` : '(b) bootstrap in Chromium …');
  await server.takeExchanges();
  const result = await bootstrapInChromium({
    url: server.url, username: village.collector.username, password: village.collector.password,
    expect: { households: village.counts.households, persons: village.counts.persons, entries: village.counts.entries },
    cpuSlowdown: CPU_SLOWDOWN,
  });
  const exchanges: SyncExchange[] = await server.takeExchanges();
  const pages = exchanges.filter((e) => e.status === 200);
  // Answers under 1 KiB (the last, empty page) are sent as they are (server/sync/compress.ts).
  if (pages.some((e) => !e.gzip && e.bytes >= 1024)) throw new Error(`a large sync answer was not gzipped: ${JSON.stringify(pages)}`);
  const bytes = pages.reduce((sum, e) => sum + e.bytes, 0);
  log(`    ${pages.length} answers, ${fmt(bytes)} bytes gzip (Chromium counted ${fmt(result.browserBodyBytes)}); ` +
    `Dexie: ${fmt(result.counts.households)} households, ${fmt(result.counts.persons)} persons, ${fmt(result.counts.entries)} entries`);
  return { bytes, pages: pages.length, msFromLogin: result.msFromLogin, msFromFirstSync: result.msFromFirstSync, idbFloorMs: result.idbFloorMs };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
