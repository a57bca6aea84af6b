// The crash harness (security.md "Tests that show it"): a real server process is killed with
// SIGKILL at random moments while simulated phones push entry.create batches over HTTP, and is
// restarted after each kill. Afterwards, with the server up and every outbox drained, the
// database must hold every entry exactly once and pass its integrity checks.
//
// The kill count adapts: at least `minKills`, and more (up to `maxKills`) until the lost-answer
// case has really happened `minLostAnswers` times: a device retried a batch whose request got no
// answer and the server said `duplicate`, i.e. it had committed before it died (or, for a server
// that forgets ids, the database already holds a second row).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { openDatabase, type Dialect } from '../../db/connect';
import { freePort, READY_PATTERN, spawnServerProcess, startServerProcess, type ServerProcess } from '../../test/processes';
import { DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION, type SyncResponse } from '../../../shared/protocol/sync';
import { decodeRows } from '../../../shared/protocol/tables';
import { SimDevice, NOTE_PREFIX, type EntryWorld, type ServerLink } from './devices';
import { countDuplicateEntries, inspect, type Inspection } from './inspect';

export const DEMO_COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const PII_KEY = 'c'.repeat(64);

export interface HarnessOptions {
  /** Server entry file (server/main.ts unless testing a variant). */
  entry?: string;
  dialect: Dialect;
  /** PostgreSQL: the (empty, migrated) database the server uses. */
  databaseUrl?: string;
  devices: number;
  minKills: number;
  maxKills: number;
  /** Each kill comes 0…maxKillDelayMs after the server is up again. */
  maxKillDelayMs: number;
  minLostAnswers: number;
  batchMax: number;
  /** How long the devices may take to drain once the kills stop (default 120 s). */
  drainTimeoutMs?: number;
  /** Kills while the server starts, before the devices come (the first boot migrates and seeds). */
  bootKills?: number;
  seed: number;
  log?: (line: string) => void;
}

export interface HarnessReport extends Inspection {
  /** Kills during start-up, and how many of them came before the server listened. */
  bootKills: number;
  bootKillsBeforeReady: number;
  kills: number;
  /** Kills that cut off at least one request. */
  killsWithRequestsInFlight: number;
  requestsCutOff: number;
  lostAnswers: number;
  requests: number;
  noAnswer: number;
  http5xx: number;
  acked: number;
  /** Answers other than applied/duplicate (none expected: every entry is valid). */
  unexpected: string[];
  /** Sent entries a fresh phone's full pull does not deliver, or delivers more than once. */
  pullProblems: string[];
  durationMs: number;
  /** Everything found wrong, in words; empty means the harness passed. */
  problems: string[];
}

/** mulberry32: a small seeded generator, so that a failing run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chinaYesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
}

/** Households of the collector's villages and an uncapped indicator every collector may record. */
export async function loadWorld(db: Kysely<Database>): Promise<EntryWorld> {
  const households = await db.selectFrom('households')
    .innerJoin('user_villages', 'user_villages.village_id', 'households.village_id')
    .innerJoin('users', 'users.id', 'user_villages.user_id')
    .select('households.id').where('users.username', '=', DEMO_COLLECTOR.username).where('households.deleted', '=', 0)
    .orderBy('households.id').limit(40).execute();
  const indicator = await db.selectFrom('indicators')
    .innerJoin('catalog_versions', 'catalog_versions.id', 'indicators.catalog_version_id')
    .select(['indicators.code', 'indicators.points_min', 'indicators.points_max', 'catalog_versions.id as catalogVersionId'])
    .where('catalog_versions.status', '=', 'published').where('indicators.cap_count', 'is', null)
    .where('indicators.subject', '=', 'household').where('indicators.sign', '=', 1)
    .where('indicators.recorder_roles', 'like', '%collector%')
    .orderBy('indicators.code').executeTakeFirstOrThrow();
  if (households.length === 0) throw new Error('the demo collector has no households');
  return {
    householdIds: households.map((h) => h.id), catalogVersionId: indicator.catalogVersionId, indicatorCode: indicator.code,
    pointsMin: indicator.points_min, pointsMax: indicator.points_max, occurredOn: chinaYesterday(),
  };
}

export async function login(url: string, who: { username: string; password: string } = DEMO_COLLECTOR): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'));
  if (!cookie) throw new Error('login answered without a session cookie');
  return cookie;
}

/** A new phone of the same user pulls everything: each sent entry must arrive exactly once. */
export async function fullPull(url: string, cookie: string, sentIds: Set<string>): Promise<string[]> {
  const seen = new Map<string, number>();
  let cursors: Record<string, number> = {};
  for (let round = 0; round < 200; round++) {
    const res = await fetch(`${url}/api/sync`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: '00000000-0000-7000-8000-000000000000', mutations: [], cursors, pullLimit: DEFAULT_PULL_LIMIT }),
    });
    if (res.status !== 200) return [`pull answered ${res.status}`];
    const body = (await res.json()) as SyncResponse;
    cursors = { ...cursors };
    for (const page of body.changes) {
      cursors[page.scope] = page.cursor;
      const table = page.tables.entry;
      if (!table) continue;
      for (const e of decodeRows('entry', table)) {
        if (e.note.startsWith(NOTE_PREFIX)) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      }
    }
    if (!body.hasMore) break;
  }
  const problems: string[] = [];
  const notPulled = [...sentIds].filter((id) => !seen.has(id));
  if (notPulled.length) problems.push(`${notPulled.length} sent entries never pulled, e.g. ${notPulled.slice(0, 3).join(', ')}`);
  const twice = [...seen].filter(([, n]) => n > 1);
  if (twice.length) problems.push(`${twice.length} entries pulled more than once in one bootstrap`);
  const strangers = [...seen.keys()].filter((id) => !sentIds.has(id));
  if (strangers.length) problems.push(`${strangers.length} pulled harness entries under ids never sent, e.g. ${strangers.slice(0, 3).join(', ')}`);
  return problems;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `p`, but not longer than `ms` (a safety net, not a synchronisation). */
async function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

export async function runCrashHarness(opts: HarnessOptions): Promise<HarnessReport> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const rng = seededRandom(opts.seed);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-crash-'));
  const port = await freePort();
  // The simulated phones resend at once after every kill, far faster than a real phone syncs: the
  // per-user sync budget (server/http/rate-limit.ts) is lifted, the limiter still runs.
  const env = { DATA_DIR: dataDir, PII_KEY, DATABASE_URL: opts.databaseUrl ?? '', SYNC_RATE_PER_MINUTE: '1000000' };
  const openDb = () => openDatabase({ databaseUrl: opts.databaseUrl ?? null, sqlitePath: path.join(dataDir, 'cunxin.sqlite') });
  const withDb = async <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    const handle = openDb();
    try {
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  };

  // --- the server and the link the devices see ---------------------------------------------------
  let proc: ServerProcess | null = null;
  let generation = 0;
  let up = false;
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const ready = waiters;
    waiters = [];
    ready.forEach((w) => w());
  };
  const start = async () => {
    // The port was just freed by the kill; retry in case the kernel is slow to let it go.
    for (let attempt = 1; ; attempt++) {
      try {
        proc = await startServerProcess({ entry: opts.entry, port, env, timeoutMs: 120_000 });
        break;
      } catch (err) {
        if (attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
        await delay(200);
      }
    }
    generation++;
    up = true;
    wakeAll();
  };
  let creating = true;
  let stopped = false;
  // Resolved when the server of a generation first answers a device: it is warm and committing.
  const firstAnswer = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  const answeredIn = (gen: number) => {
    let entry = firstAnswer.get(gen);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      entry = { promise, resolve };
      firstAnswer.set(gen, entry);
    }
    return entry;
  };
  const link: ServerLink = {
    answered: (gen) => answeredIn(gen).resolve(),
    url: () => `http://127.0.0.1:${port}`,
    generation: () => generation,
    creating: () => creating,
    stopped: () => stopped,
    inFlight: { n: 0 },
    waitUp: (after, fallbackMs) => new Promise<void>((resolve) => {
      if (up && generation > after) return resolve();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      // Woken by the next start; a failure that was not a kill (the server is still up) retries after fallbackMs.
      waiters.push(() => finish());
      if (up) setTimeout(finish, fallbackMs ?? 500);
    }),
  };

  try {
    // Crashes while the server starts: on the first boot just after the migrations, while the demo
    // data is being seeded (one transaction: all or nothing); later at a random moment of the start.
    let bootKillsBeforeReady = 0;
    for (let i = 0; i < (opts.bootKills ?? 0); i++) {
      const spawned = spawnServerProcess({ entry: opts.entry, port, env, timeoutMs: 120_000 });
      await Promise.race([spawned.printed(/migrations applied/), delay(1000 + Math.floor(rng() * 3000)), spawned.proc.exited]);
      await delay(Math.floor(rng() * 1500));
      if (!READY_PATTERN.test(spawned.proc.output())) bootKillsBeforeReady++;
      await spawned.proc.kill('SIGKILL');
      log(`boot kill ${i + 1}: ${READY_PATTERN.test(spawned.proc.output()) ? 'after it listened' : 'during start-up'}`);
    }
    await start();
    const world = await withDb(loadWorld);
    const devices: SimDevice[] = [];
    for (let i = 0; i < opts.devices; i++) devices.push(new SimDevice(await login(link.url()), world, seededRandom(opts.seed * 31 + i), opts.batchMax));
    const deviceIds = devices.map((d) => d.deviceId);
    const lostAnswers = () => devices.reduce((n, d) => n + d.stats.lostAnswers, 0);

    let failure: unknown = null;
    const running = devices.map((d) => d.run(link).catch((err) => {
      failure ??= err;
      creating = false;
    }));

    // --- the killer ----------------------------------------------------------------------------
    let kills = 0;
    let killsWithRequestsInFlight = 0;
    let requestsCutOff = 0;
    let duplicatesInDb = 0;
    while (failure === null && kills < opts.maxKills) {
      if (kills >= opts.minKills && lostAnswers() + duplicatesInDb >= opts.minLostAnswers) break;
      // Most kills land 0…maxKillDelayMs after the new server first answered (it is committing
      // then: kills mid-batch and between commit and answer); every fourth lands that long after
      // it said it listens (a crash during start-up and recovery, before it served anything).
      if (kills % 4 !== 3) await within(answeredIn(generation).promise, 60_000);
      await delay(Math.floor(rng() * (opts.maxKillDelayMs + 1)));
      const inFlight = link.inFlight.n;
      up = false;
      await proc!.kill('SIGKILL');
      kills++;
      if (inFlight > 0) killsWithRequestsInFlight++;
      requestsCutOff += inFlight;
      await start();
      // A server that stores replays twice shows it in the database, not in its answers. (Read
      // after the restart: the server, not this probe, must be the one to recover the files.)
      duplicatesInDb = await withDb((db) => countDuplicateEntries(db, deviceIds));
      log(`kill ${kills}: ${inFlight} requests in flight; lost answers so far ${lostAnswers()}, duplicate rows ${duplicatesInDb}`);
    }

    // --- drain, then check -----------------------------------------------------------------------
    creating = false;
    // An idempotent server drains them in seconds; one that keeps failing must not hang the test.
    await within(Promise.all(running).then(() => {}), opts.drainTimeoutMs ?? 120_000);
    stopped = true;
    wakeAll();
    await Promise.all(running);
    if (failure) throw failure;
    const sentIds = new Set(devices.flatMap((d) => [...d.created.keys()]));
    const pullProblems = await fullPull(link.url(), await login(link.url()), sentIds);
    // One more crash, then the checks read the files as a restarted server would find them.
    await proc!.kill('SIGKILL');
    up = false;
    const inspection = await withDb((db) => inspect(db, opts.dialect, {
      entries: new Map(devices.flatMap((d) => [...d.created])),
      acked: new Map(devices.flatMap((d) => [...d.acked])),
      deviceIds,
    }));

    const stats = devices.map((d) => d.stats);
    const sum = (k: keyof SimDevice['stats']) => stats.reduce((n, s) => n + s[k], 0);
    const unexpected = devices.flatMap((d) => d.unexpected);
    const notDrained = devices.reduce((n, d) => n + d.outbox.length, 0);
    const acked = devices.reduce((n, d) => n + d.acked.size, 0);
    const problems: string[] = [];
    if (notDrained) problems.push(`${notDrained} mutations still in outboxes (${sum('http5xx')} answers were 5xx)`);
    if (acked !== sentIds.size) problems.push(`acknowledged ${acked} of ${sentIds.size} entries`);
    if (unexpected.length) problems.push(`${unexpected.length} unexpected answers, e.g. ${unexpected[0]}`);
    if (inspection.missing.length) problems.push(`${inspection.missing.length} sent entries missing, e.g. ${inspection.missing[0]}`);
    if (inspection.duplicates.length) problems.push(`${inspection.duplicates.length} entries stored more than once, e.g. ${JSON.stringify(inspection.duplicates[0])}`);
    if (inspection.phantoms.length) problems.push(`${inspection.phantoms.length} stored entries never sent`);
    if (inspection.rows !== inspection.uniqueSent) problems.push(`${inspection.rows} rows for ${inspection.uniqueSent} unique entries sent`);
    if (inspection.ackedWithoutMutation.length) problems.push(`${inspection.ackedWithoutMutation.length} acknowledged mutations without their applied row`);
    problems.push(...inspection.unsound, ...pullProblems);
    // The demo was seeded once, whatever the boot kills interrupted.
    const townships = await withDb((db) => db.selectFrom('townships').select('id').execute());
    if (townships.length !== 1) problems.push(`${townships.length} townships after the boot kills (the demo seeded more than once?)`);

    return {
      ...inspection, bootKills: opts.bootKills ?? 0, bootKillsBeforeReady, kills, killsWithRequestsInFlight, requestsCutOff, lostAnswers: lostAnswers(),
      requests: sum('requests'), noAnswer: sum('noAnswer'), http5xx: sum('http5xx'), acked, unexpected, pullProblems,
      durationMs: Date.now() - started, problems,
    };
  } finally {
    creating = false;
    stopped = true;
    up = false;
    wakeAll();
    await (proc as ServerProcess | null)?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
