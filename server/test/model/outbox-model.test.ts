// Model-based tests (fast-check `fc.commands`) of the phone's outbox + sync runner against the
// server's sync endpoint (issue 3, "Tests that must exist"; security.md "Tests that show it").
//
// Real code on both sides: the client's Dexie database, outbox, pull applier, SyncRunner and
// call() (client/src/**, under fake-indexeddb, one module graph per browser tab, see phone.ts), and
// the server's createApp() on a SQLite database, reached through app.request() as the phone's fetch.
// Two phones (two collectors of one village), two tabs each. Per run: the cross-tab guard (Web
// Locks, the runner's own fallback where a browser has none, or no guard at all) and the page size
// of the pull (the app's, 2 or 5 rows).
//
// Commands: record an entry (on a phone, in a tab; some of a capped indicator, so that two phones
// recording offline can exceed the cap and one gets `rejected cap_exceeded`), sync, sync whose
// answer is lost (the server applied it, the phone never heard), the network delivering an old
// request again, server kill / start / restart (a new app on a reopened database), phone offline /
// online, both tabs syncing at once, a tab syncing while the other records, the session expiring
// and the collector logging in again, and the committee approving / rejecting an entry.
//
// After every command: nothing that left an outbox is missing on the server, nothing is stored
// twice or without having been recorded on a phone, no phone lost its own entry, no valid item was
// refused, the cap holds. At the end (server up, phones online and logged in, each syncs twice):
// nothing is pending, every refused item is a capped entry over the cap (and once the collector
// discards it), the server holds exactly the entries created minus the refused, and each phone
// holds exactly the server's village (entries with their states, households), its cursor at the
// village's change counter; the server database passes the crash harness's soundness checks.
//
// Besides the random runs: fixed scenarios (the cases that matter most, and what failed during
// development) and replayed failing seeds (REGRESSIONS).
// MODEL_RUNS=<n> and MODEL_SEED=<seed> override the number of runs and the seed.
import 'fake-indexeddb/auto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { openDatabase, type Db } from '../../db/connect';
import type { Deps } from '../../context';
import { openSession } from '../../auth/login';
import { sessionCookieName, sessionIdOf } from '../../auth/session-token';
import { createTestDatabase, type TestDatabase } from '../../test/databases';
import { seedWorld, testDeps } from '../../test/sync-fixture';
import { scopeOfVillage, type SyncRequest, type SyncResponse } from '../../../shared/protocol/sync';
import { soundness } from '../crash-harness/inspect';
import { loadTab, newPhoneStorage, PhoneLocks, type Tab } from './phone';

const NUM_RUNS = Number(process.env.MODEL_RUNS ?? 40);
const MAX_COMMANDS = 25;

/**
 * Failing runs found while developing these tests, replayed on every run: seed, path and the
 * commands' replayPath exactly as fast-check reports them (valid as long as the arbitraries below
 * are unchanged). Each says what it found.
 */
const REGRESSIONS: { seed: number; path: string; replayPath: string; note: string }[] = [];

// ---- the world ---------------------------------------------------------------------------------

type Collector = 'collector' | 'collector2';
const COLLECTORS: Collector[] = ['collector', 'collector2'];

interface World {
  villageId: string;
  householdIds: string[];
  catalogVersionId: string;
  /** Uncapped: never refused. */
  plain: { code: string; points: number };
  /** Capped per household and month: two phones recording it offline can exceed the cap. */
  capped: { code: string; points: number; cap: number };
  users: Record<Collector | 'committee', string>;
  committeeCookie: string;
}

let template: TestDatabase;
let baseDeps: Deps;
let world: World;
let workDir: string;
let templatePath: string;

beforeAll(async () => {
  // The sync tests' world (server/test/sync-fixture.ts): every row is in the change log, as the
  // pull needs. Plus what the real app needs on top: village assignments and sessions.
  template = await createTestDatabase('sqlite');
  const w = await seedWorld(template);
  baseDeps = { ...testDeps(template), now: () => new Date() }; // sessions valid by the real clock
  const users = { collector: w.users.collector.id, collector2: w.users.collector2.id, committee: w.users.committee.id };
  await template.db.insertInto('user_villages').values(Object.values(users).map((id) => ({ user_id: id, village_id: w.v1 }))).execute();
  const indicators = await template.db.selectFrom('indicators')
    .select(['code', 'points_min', 'cap_count', 'cap_period'])
    .where('catalog_version_id', '=', w.catalogId).where('subject', '=', 'household')
    .where('sign', '=', 1).where('recorder_roles', 'like', '%collector%')
    .orderBy('code').execute();
  const plain = indicators.find((i) => i.cap_count === null)!;
  const capped = indicators.find((i) => i.cap_count !== null && i.cap_period === 'month')!;
  world = {
    villageId: w.v1,
    householdIds: [w.h1, w.h1b],
    catalogVersionId: w.catalogId,
    plain: { code: plain.code, points: plain.points_min },
    capped: { code: capped.code, points: capped.points_min, cap: capped.cap_count! },
    users,
    committeeCookie: await login(users.committee),
  };
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-model-'));
  templatePath = path.join(workDir, 'template.sqlite');
  await sql.raw(`vacuum into '${templatePath.replace(/'/g, "''")}'`).execute(template.db);
});

afterAll(async () => {
  await template?.drop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** A new session in the template (valid in every copy of it). */
async function login(userId: string, deps: Deps = baseDeps): Promise<string> {
  return `${sessionCookieName(deps.config)}=${await openSession(deps, userId)}`;
}

// ---- the real system ---------------------------------------------------------------------------

let runCounter = 0;

class ServerSim {
  up = false;
  app: ReturnType<typeof createApp> | null = null;
  deps: Deps | null = null;
  private handle: Db | null = null;
  /** Requests that reached the server (with their cookie), for replays. */
  readonly received: { body: string; cookie: string }[] = [];

  constructor(readonly dbPath: string) {}

  start(): void {
    const handle = openDatabase({ databaseUrl: null, sqlitePath: this.dbPath });
    this.handle = handle;
    this.deps = { ...baseDeps, db: handle.db, dialect: 'sqlite' };
    this.app = createApp(this.deps);
    this.up = true;
  }

  async stop(): Promise<void> {
    this.up = false;
    this.app = null;
    this.deps = null;
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }

  /** The database, also while the server is "down" (for the checks). */
  async inspect<T>(fn: (db: Db['db']) => Promise<T>): Promise<T> {
    if (this.handle) return fn(this.handle.db);
    const h = openDatabase({ databaseUrl: null, sqlitePath: this.dbPath });
    try {
      return await fn(h.db);
    } finally {
      await h.close();
    }
  }
}

interface TabSim {
  tab: Tab;
  runner: InstanceType<Tab['runnerModule']['SyncRunner']>;
}

class PhoneSim {
  online = true;
  dropNextAnswer = false;
  readonly tabs: TabSim[] = [];

  constructor(
    readonly index: number,
    readonly userId: string,
    public cookie: string,
    readonly lockMode: LockMode,
    readonly pullLimit: number | null,
  ) {
    this.locks = lockMode === 'web-locks' ? new PhoneLocks() : null;
  }

  readonly locks: PhoneLocks | null;

  /** Whether two tabs syncing at once must see one of them step aside. */
  get exclusive(): boolean {
    return this.lockMode === 'web-locks' || (this.lockMode === 'fallback' && HAS_LEASE);
  }

  async addTab(storage: ReturnType<typeof newPhoneStorage>, server: ServerSim): Promise<void> {
    const tab = await loadTab(storage);
    const runner = new tab.runnerModule.SyncRunner({
      sync: (req) => tab.http.call<SyncResponse>(() => this.fetch(server, req)),
      getUserId: () => this.userId,
      // undefined: the runner looks for navigator.locks (absent in Node) and falls back.
      locks: this.lockMode === 'web-locks' ? this.locks!.asLockManager() : this.lockMode === 'none' ? null : undefined,
      isOnline: () => this.online,
    });
    this.tabs.push({ tab, runner });
  }

  /** The phone's fetch of POST /api/sync: through the network (online?) to the server (up?). */
  private async fetch(server: ServerSim, req: SyncRequest): Promise<Response> {
    if (!this.online) throw new TypeError('Failed to fetch (offline)');
    const app = server.app;
    if (!server.up || !app) throw new TypeError('Failed to fetch (connection refused)');
    seen.requests++;
    const ids = (req.mutations as { id: string }[]).map((x) => x.id.slice(-6));
    // A small page size makes the runner page through hasMore (the app itself sends none).
    const body = JSON.stringify(this.pullLimit ? { ...req, pullLimit: this.pullLimit } : req);
    const res = await app.request('/api/sync', {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: this.cookie }, body,
    });
    if (res.status === 200) server.received.push({ body, cookie: this.cookie });
    const answer = res.status === 200
      ? ((await res.clone().json()) as SyncResponse).results.map((x) => `${x.id.slice(-6)}:${x.status}`).join(' ')
      : `HTTP ${res.status}`;
    note(`  phone ${this.index} sends [${ids.join(' ')}] cursors ${JSON.stringify(Object.values(req.cursors))} -> ${answer}${this.dropNextAnswer ? ' (LOST)' : ''}`);
    if (this.dropNextAnswer) {
      this.dropNextAnswer = false;
      await res.text();
      throw new TypeError('Failed to fetch (connection reset: the answer was lost)');
    }
    return res;
  }
}

interface Real {
  server: ServerSim;
  phones: PhoneSim[];
}

/** What happened in the current run (requests, answers, outcomes), printed when a property fails. */
let trace: string[] = [];
let failedTrace: string[] = [];
const note = (line: string) => trace.push(line);

interface Created { id: string; note: string; capped: boolean }

interface Model {
  serverUp: boolean;
  online: boolean[];
  /** The phone's session is valid on the server. */
  session: boolean[];
  /** A tab that got a 401 stays blocked until the next login (runner.resume()). */
  blocked: boolean[][];
  /** Entries recorded on each phone; notes are unique, to spot a second copy under another id. */
  created: Created[][];
  notes: number;
}

/**
 * Cross-tab guard of the runner: Web Locks (a per-phone stand-in for navigator.locks), the
 * runner's own fallback where a browser has none (an IndexedDB lease, client/src/sync/lease.ts;
 * Node has no navigator.locks), or none at all (locks: null, the runner's in-tab guard only).
 */
type LockMode = 'web-locks' | 'fallback' | 'none';
type Settings = { locks: LockMode; pullLimit: number | null };
const HAS_LEASE = fs.existsSync(fileURLToPath(new URL('../../../client/src/sync/lease.ts', import.meta.url)));

/** What the runs really exercised (printed at the end; runs that never lose an answer prove little). */
const seen = {
  runs: 0, commands: 0, requests: 0, syncsOk: 0, syncsOffline: 0, lostAnswers: 0, replays: 0, restarts: 0,
  tabsTogether: 0, decisions: 0, expiredSessions: 0, unauthorized: 0, capRefusals: 0,
};

async function setup(settings: Settings): Promise<{ real: Real; model: Model }> {
  const dbPath = path.join(workDir, `run-${++runCounter}.sqlite`);
  fs.copyFileSync(templatePath, dbPath);
  const server = new ServerSim(dbPath);
  server.start();
  const phones: PhoneSim[] = [];
  for (const [i, who] of COLLECTORS.entries()) {
    const phone = new PhoneSim(i, world.users[who], await login(world.users[who], server.deps!), settings.locks, settings.pullLimit);
    const storage = newPhoneStorage();
    await phone.addTab(storage, server);
    await phone.addTab(storage, server);
    phones.push(phone);
  }
  return {
    real: { server, phones },
    model: { serverUp: true, online: [true, true], session: [true, true], blocked: [[false, false], [false, false]], created: [[], []], notes: 0 },
  };
}

async function teardown(real: Real): Promise<void> {
  for (const p of real.phones) for (const t of p.tabs) t.tab.db.close();
  await real.server.stop();
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${real.server.dbPath}${suffix}`, { force: true });
}

// ---- observations ------------------------------------------------------------------------------

interface ServerEntry { state: string; note: string; householdId: string; indicatorCode: string; occurredOn: string }

async function serverEntries(real: Real): Promise<Map<string, ServerEntry>> {
  const rows = await real.server.inspect((db) => db.selectFrom('entries')
    .select(['id', 'state', 'note', 'household_id', 'indicator_code', 'occurred_on'])
    .where('village_id', '=', world.villageId).execute());
  return new Map(rows.map((r) => [r.id, {
    state: r.state, note: r.note, householdId: r.household_id, indicatorCode: r.indicator_code, occurredOn: r.occurred_on,
  }]));
}

async function pendingOf(phone: PhoneSim) {
  return phone.tabs[0].tab.outbox.pendingItems(phone.userId, 10_000);
}

const LIVE = new Set(['submitted', 'approved', 'publicized', 'objected', 'effective']);

/** Safety, after every command. */
async function checkSafety(real: Real, model: Model): Promise<void> {
  const onServer = await serverEntries(real);
  const created = new Map(model.created.flat().map((c) => [c.id, c]));
  // No phantom: the server holds only entries some phone recorded.
  for (const id of onServer.keys()) expect(created.has(id), `server entry ${id} was never recorded on a phone`).toBe(true);
  // No duplicate: no entry stored twice (under another id).
  const notes = [...onServer.values()].map((e) => e.note);
  expect(new Set(notes).size, 'an entry is stored twice').toBe(notes.length);
  // The cap holds on the server, whatever the phones sent.
  const capUse = new Map<string, number>();
  for (const e of onServer.values()) {
    if (e.indicatorCode !== world.capped.code || !LIVE.has(e.state)) continue;
    const key = `${e.householdId} ${e.occurredOn.slice(0, 7)}`;
    capUse.set(key, (capUse.get(key) ?? 0) + 1);
  }
  for (const [key, n] of capUse) expect(n, `cap of ${key}`).toBeLessThanOrEqual(world.capped.cap);
  for (const phone of real.phones) {
    const { db } = phone.tabs[0].tab;
    const outbox = await db.outbox.toArray();
    // Refused only what a rule must refuse: a capped entry over the cap, and then it is not stored.
    for (const item of outbox.filter((i) => i.status !== 'pending')) {
      expect({ capped: created.get(item.entityId)?.capped, code: item.lastError?.code }, 'an item was refused').toEqual({ capped: true, code: 'cap_exceeded' });
      expect(onServer.has(item.entityId)).toBe(false);
    }
    const waiting = new Set(outbox.map((i) => i.entityId));
    const local = new Set((await phone.tabs[0].tab.entries.allEntries()).map((e) => e.id));
    for (const c of model.created[phone.index]) {
      // The phone never loses its own work...
      expect(local.has(c.id), `phone ${phone.index} lost its entry ${c.id}`).toBe(true);
      // ...and forgets an item only once the server has it.
      if (!waiting.has(c.id)) expect(onServer.has(c.id), `entry ${c.id} left the outbox but is not on the server`).toBe(true);
    }
  }
}

/** Liveness and convergence, once everything is up, online and logged in. */
async function settleAndCheck(real: Real, model: Model): Promise<{ refused: number }> {
  if (!real.server.up) real.server.start();
  for (const p of real.phones) {
    p.online = true;
    p.dropNextAnswer = false;
    if (!model.session[p.index]) p.cookie = await login(p.userId, real.server.deps!);
    for (const t of p.tabs) t.runner.resume();
  }
  // Two rounds: the second brings each phone what the other sent in the first.
  for (let round = 0; round < 2; round++) {
    for (const p of real.phones) expect(await p.tabs[0].runner.runOnce(), `phone ${p.index} sync`).toBe('ok');
  }
  const onServer = await serverEntries(real);
  // The collector gives up what the server refused (the refusal is final): the entry goes too.
  const refused = new Set<string>();
  for (const p of real.phones) {
    const { outbox, db } = p.tabs[0].tab;
    expect(await pendingOf(p), `phone ${p.index}: nothing left to send`).toEqual([]);
    for (const item of await db.outbox.toArray()) {
      refused.add(item.entityId);
      await outbox.discardAttentionItem(item.id);
    }
    for (const t of p.tabs) expect(await t.tab.db.outbox.count(), `phone ${p.index} outbox empty`).toBe(0);
  }
  seen.capRefusals += refused.size;
  // No loss, no duplicate: the server holds exactly what was recorded and not refused.
  const recorded = model.created.flat().map((c) => c.id).filter((id) => !refused.has(id));
  expect([...onServer.keys()].sort()).toEqual(recorded.sort());

  const [village] = await real.server.inspect((db) => db.selectFrom('villages').select('change_seq').where('id', '=', world.villageId).execute());
  const households = await real.server.inspect((db) => db.selectFrom('households').select(['id', 'version'])
    .where('village_id', '=', world.villageId).orderBy('id').execute());
  for (const p of real.phones) {
    const { db, meta, entries } = p.tabs[1].tab; // the other tab reads the same database
    // Converged: the phone's village is the server's (entries with their states, households).
    expect(new Map((await entries.allEntries()).map((e) => [e.id, e.state])), `phone ${p.index} entries`)
      .toEqual(new Map([...onServer].map(([id, e]) => [id, e.state])));
    expect((await db.households.orderBy('id').toArray()).map((h) => ({ id: h.id, version: h.version })))
      .toEqual(households.map((h) => ({ id: h.id, version: h.version })));
    expect((await meta.readCursors())[scopeOfVillage(world.villageId)], `phone ${p.index} cursor`).toBe(village.change_seq);
  }
  expect(await real.server.inspect((db) => soundness(db, 'sqlite'))).toEqual([]);
  return { refused: refused.size };
}

// ---- commands ----------------------------------------------------------------------------------

/** A command acts, then the safety invariants are checked on the whole system. */
abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    seen.commands++;
    note(this.toString());
    await this.act(m, r);
    await checkSafety(r, m);
  }
  abstract act(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

function chinaYesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
}

async function record(m: Model, r: Real, phone: number, tab: number, household: number, capped: boolean) {
  const p = r.phones[phone];
  const note = `model ${++m.notes}`;
  const ind = capped ? world.capped : world.plain;
  const { entry } = await p.tabs[tab].tab.outbox.enqueueEntryCreate({
    villageId: world.villageId, householdId: world.householdIds[household % world.householdIds.length], personId: null,
    catalogVersionId: world.catalogVersionId, indicatorCode: ind.code, occurredOn: chinaYesterday(), points: ind.points, note,
  }, p.userId);
  m.created[phone].push({ id: entry.id, note, capped });
  expect(entry.state).toBe('queued');
  return entry;
}

/** What a sync of this tab must answer, given the model. */
function expectedOutcome(m: Readonly<Model>, phone: number, tab: number): 'ok' | 'offline' | 'unauthorized' {
  if (m.blocked[phone][tab]) return 'unauthorized';
  if (!m.online[phone] || !m.serverUp) return 'offline';
  return m.session[phone] ? 'ok' : 'unauthorized';
}

function noteOutcome(m: Model, phone: number, tab: number, outcome: string): void {
  if (outcome === 'unauthorized') {
    m.blocked[phone][tab] = true;
    seen.unauthorized++;
  }
  if (outcome === 'ok') seen.syncsOk++;
  if (outcome === 'offline') seen.syncsOffline++;
}

class CreateEntry extends Cmd {
  constructor(readonly phone: number, readonly tab: number, readonly household: number, readonly capped: boolean) {
    super();
  }
  async act(m: Model, r: Real): Promise<void> {
    await record(m, r, this.phone, this.tab, this.household, this.capped);
  }
  toString(): string {
    return `create(phone ${this.phone}, tab ${this.tab}, household ${this.household}${this.capped ? ', capped' : ''})`;
  }
}

class Sync extends Cmd {
  constructor(readonly phone: number, readonly tab: number) {
    super();
  }
  async act(m: Model, r: Real): Promise<void> {
    const phone = r.phones[this.phone];
    const expected = expectedOutcome(m, this.phone, this.tab);
    const before = (await pendingOf(phone)).map((i) => i.id);
    const outcome = await phone.tabs[this.tab].runner.runOnce();
    noteOutcome(m, this.phone, this.tab, outcome);
    expect(outcome).toBe(expected);
    const after = (await pendingOf(phone)).map((i) => i.id);
    // Answered: nothing left; no answer (offline, 401): nothing gone.
    expect(after).toEqual(outcome === 'ok' ? [] : before);
  }
  toString(): string {
    return `sync(phone ${this.phone}, tab ${this.tab})`;
  }
}

/** The server applies the push, the answer never reaches the phone (a reset, a dead radio). */
class SyncLosingAnswer extends Cmd {
  constructor(readonly phone: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return expectedOutcome(m, this.phone, 0) === 'ok';
  }
  async act(_m: Model, r: Real): Promise<void> {
    const phone = r.phones[this.phone];
    const before = (await pendingOf(phone)).map((i) => i.id);
    phone.dropNextAnswer = true;
    expect(await phone.tabs[0].runner.runOnce()).toBe('offline');
    expect(phone.dropNextAnswer).toBe(false);
    seen.lostAnswers++;
    // Nothing leaves the outbox without an answer.
    expect((await pendingOf(phone)).map((i) => i.id)).toEqual(before);
  }
  toString(): string {
    return `syncLosingAnswer(phone ${this.phone})`;
  }
}

/** The network delivers an old request once more: every answer is the one given before, nothing is added. */
class ReplayOldRequest extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.serverUp;
  }
  async act(_m: Model, r: Real): Promise<void> {
    const old = r.server.received.filter((q) => (JSON.parse(q.body) as SyncRequest).mutations.length > 0);
    if (old.length === 0) return;
    seen.replays++;
    const q = old[this.pick % old.length];
    const before = await serverEntries(r);
    const res = await r.server.app!.request('/api/sync', { method: 'POST', headers: { 'content-type': 'application/json', cookie: q.cookie }, body: q.body });
    const sent = (JSON.parse(q.body) as SyncRequest).mutations as { id: string }[];
    if (res.status === 401) return; // that session has expired since: nothing to compare
    expect(res.status).toBe(200);
    const answer = (await res.json()) as SyncResponse;
    expect(answer.results.map((x) => x.id).sort()).toEqual(sent.map((x) => x.id).sort());
    for (const x of answer.results) {
      // A stored answer is replayed: an acknowledgement as `duplicate`, a refusal word for word.
      expect(x.status === 'duplicate' || (x.status === 'rejected' && x.code === 'cap_exceeded'), JSON.stringify(x)).toBe(true);
    }
    expect(await serverEntries(r)).toEqual(before);
  }
  toString(): string {
    return `replayOldRequest(${this.pick})`;
  }
}

class KillServer extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return m.serverUp;
  }
  async act(m: Model, r: Real): Promise<void> {
    await r.server.stop();
    m.serverUp = false;
  }
  toString(): string {
    return 'killServer';
  }
}

class StartServer extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return !m.serverUp;
  }
  async act(m: Model, r: Real): Promise<void> {
    r.server.start();
    m.serverUp = true;
    seen.restarts++;
  }
  toString(): string {
    return 'startServer';
  }
}

class RestartServer extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return m.serverUp;
  }
  async act(_m: Model, r: Real): Promise<void> {
    await r.server.stop();
    r.server.start();
    seen.restarts++;
  }
  toString(): string {
    return 'restartServer';
  }
}

class SetOnline extends Cmd {
  constructor(readonly phone: number, readonly online: boolean) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.online[this.phone] !== this.online;
  }
  async act(m: Model, r: Real): Promise<void> {
    r.phones[this.phone].online = this.online;
    m.online[this.phone] = this.online;
  }
  toString(): string {
    return `${this.online ? 'online' : 'offline'}(phone ${this.phone})`;
  }
}

/** Both tabs of a phone start a sync at the same moment. */
class TabsSyncTogether extends Cmd {
  constructor(readonly phone: number) {
    super();
  }
  async act(m: Model, r: Real): Promise<void> {
    const phone = r.phones[this.phone];
    const expected = [0, 1].map((t) => expectedOutcome(m, this.phone, t));
    const outcomes = await Promise.all(phone.tabs.map((t) => t.runner.runOnce()));
    outcomes.forEach((o, t) => noteOutcome(m, this.phone, t, o));
    seen.tabsTogether++;
    if (expected.every((e) => e === 'ok')) {
      // With a cross-tab guard one tab syncs and the other steps aside; without one both run.
      expect([...outcomes].sort()).toEqual(phone.exclusive ? ['busy', 'ok'] : ['ok', 'ok']);
      expect(await pendingOf(phone)).toEqual([]);
    } else {
      // One tab may hold the lock while the other is refused or offline; nothing else.
      outcomes.forEach((o, t) => expect([expected[t], 'busy']).toContain(o));
    }
  }
  toString(): string {
    return `tabsSyncTogether(phone ${this.phone})`;
  }
}

/** One tab syncs while the other records an entry. */
class SyncWhileCreating extends Cmd {
  constructor(readonly phone: number, readonly household: number) {
    super();
  }
  async act(m: Model, r: Real): Promise<void> {
    const phone = r.phones[this.phone];
    const expected = expectedOutcome(m, this.phone, 0);
    const [outcome, entry] = await Promise.all([
      phone.tabs[0].runner.runOnce(),
      record(m, r, this.phone, 1, this.household, false),
    ]);
    noteOutcome(m, this.phone, 0, outcome);
    expect(outcome).toBe(expected);
    // The new item was sent in this run or is still waiting; nothing else is.
    if (outcome === 'ok') expect((await pendingOf(phone)).every((i) => i.entityId === entry.id)).toBe(true);
  }
  toString(): string {
    return `syncWhileCreating(phone ${this.phone}, household ${this.household})`;
  }
}

/** The session runs out (on the server); the phone learns it at its next sync (401). */
class SessionExpires extends Cmd {
  constructor(readonly phone: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.session[this.phone];
  }
  async act(m: Model, r: Real): Promise<void> {
    const token = r.phones[this.phone].cookie.split('=')[1];
    await r.server.inspect((db) => db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', sessionIdOf(token)).execute());
    m.session[this.phone] = false;
    seen.expiredSessions++;
  }
  toString(): string {
    return `sessionExpires(phone ${this.phone})`;
  }
}

/** The same collector logs in again (possible only with the server up); the app resumes its runners. */
class LogInAgain extends Cmd {
  constructor(readonly phone: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return !m.session[this.phone] && m.serverUp;
  }
  async act(m: Model, r: Real): Promise<void> {
    const phone = r.phones[this.phone];
    phone.cookie = await login(phone.userId, r.server.deps!);
    for (const t of phone.tabs) t.runner.resume();
    m.session[this.phone] = true;
    m.blocked[this.phone] = [false, false];
  }
  toString(): string {
    return `logInAgain(phone ${this.phone})`;
  }
}

/** A committee member decides on a submitted entry on the server (it reaches phones by the pull). */
class CommitteeDecides extends Cmd {
  constructor(readonly pick: number, readonly decision: 'approve' | 'reject') {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.serverUp;
  }
  async act(_m: Model, r: Real): Promise<void> {
    const submitted = [...(await serverEntries(r))].filter(([, e]) => e.state === 'submitted').map(([id]) => id).sort();
    if (submitted.length === 0) return;
    seen.decisions++;
    const id = submitted[this.pick % submitted.length];
    const res = await r.server.app!.request(`/api/review/entries/${id}/decisions`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: world.committeeCookie },
      body: JSON.stringify({ decision: this.decision, reason: this.decision === 'reject' ? '证据不足' : '' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await serverEntries(r)).get(id)?.state).toBe(this.decision === 'approve' ? 'approved' : 'rejected');
  }
  toString(): string {
    return `committee ${this.decision}s(${this.pick})`;
  }
}

const phoneArb = fc.integer({ min: 0, max: 1 });
const tabArb = fc.integer({ min: 0, max: 1 });
const householdArb = fc.nat(3);
const commands = [
  fc.tuple(phoneArb, tabArb, householdArb).map(([p, t, h]) => new CreateEntry(p, t, h, false)),
  fc.tuple(phoneArb, tabArb, householdArb).map(([p, t, h]) => new CreateEntry(p, t, h, false)),
  // Capped entries all for one household, so that the cap is reached now and then.
  fc.tuple(phoneArb, tabArb).map(([p, t]) => new CreateEntry(p, t, 0, true)),
  fc.tuple(phoneArb, tabArb).map(([p, t]) => new CreateEntry(p, t, 0, true)),
  fc.tuple(phoneArb, tabArb).map(([p, t]) => new Sync(p, t)),
  fc.tuple(phoneArb, tabArb).map(([p, t]) => new Sync(p, t)),
  phoneArb.map((p) => new SyncLosingAnswer(p)),
  fc.nat(50).map((k) => new ReplayOldRequest(k)),
  fc.constant(new KillServer()),
  fc.constant(new StartServer()),
  fc.constant(new RestartServer()),
  fc.tuple(phoneArb, fc.boolean()).map(([p, on]) => new SetOnline(p, on)),
  phoneArb.map((p) => new TabsSyncTogether(p)),
  fc.tuple(phoneArb, householdArb).map(([p, h]) => new SyncWhileCreating(p, h)),
  phoneArb.map((p) => new SessionExpires(p)),
  phoneArb.map((p) => new LogInAgain(p)),
  fc.tuple(fc.nat(50), fc.constantFrom('approve' as const, 'reject' as const)).map(([k, d]) => new CommitteeDecides(k, d)),
];

const settingsArb = fc.record({
  locks: fc.constantFrom<LockMode>('web-locks', 'fallback', 'none'),
  pullLimit: fc.constantFrom(null, 2, 5),
});

/** The property; `replayPath` (from a failure report) replays a failing command sequence. */
const propertyWith = (replayPath?: string) => fc.asyncProperty(settingsArb, fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max', replayPath }), async (settings, cmds) => {
  trace = [`settings ${JSON.stringify(settings)}`];
  const { real, model } = await setup(settings);
  seen.runs++;
  try {
    await fc.asyncModelRun(() => ({ model, real }), cmds);
    note('settle');
    await settleAndCheck(real, model);
  } catch (err) {
    failedTrace = trace;
    throw err;
  } finally {
    await teardown(real);
  }
});

/**
 * Fixed command sequences: the stories that matter most, and what failed once during development
 * (kept even though it could not be reproduced: a random run may not find it again).
 */
const SCENARIOS: { name: string; settings: Settings; commands: () => Cmd[]; refused?: number }[] = [
  {
    // Failed once (the entry stayed pending after two good syncs) while client/src/sync and
    // client/src/db were being edited; not reproduced since, in several hundred runs.
    name: 'a tab syncs while the other records, then both phones sync',
    settings: { locks: 'web-locks', pullLimit: null },
    commands: () => [new SyncWhileCreating(0, 0)],
  },
  {
    name: 'lost answer, the committee approves the entry meanwhile, the phone syncs again',
    settings: { locks: 'fallback', pullLimit: 2 },
    commands: () => [new CreateEntry(0, 0, 0, false), new CreateEntry(0, 1, 1, false), new SyncLosingAnswer(0),
      new CommitteeDecides(0, 'approve'), new Sync(0, 1), new Sync(1, 0)],
  },
  {
    name: 'two phones offline exceed a cap together: one entry is refused, the rest goes through',
    settings: { locks: 'none', pullLimit: 5 },
    commands: () => [new SetOnline(0, false), new SetOnline(1, false), new CreateEntry(0, 0, 0, true), new CreateEntry(0, 1, 0, true),
      new CreateEntry(1, 0, 0, true), new CreateEntry(1, 0, 1, false), new SetOnline(0, true), new SetOnline(1, true),
      new Sync(0, 0), new Sync(1, 1), new Sync(0, 1)],
    refused: 1,
  },
  {
    name: 'the session expires with work waiting: kept through 401s, sent after the next login',
    settings: { locks: 'fallback', pullLimit: null },
    commands: () => [new CreateEntry(0, 0, 0, false), new SessionExpires(0), new Sync(0, 0), new TabsSyncTogether(0),
      new KillServer(), new StartServer(), new LogInAgain(0), new Sync(0, 1)],
  },
  {
    name: 'server killed with work in flight, restarted, an old request delivered again',
    settings: { locks: 'web-locks', pullLimit: 2 },
    commands: () => [new CreateEntry(1, 0, 0, false), new Sync(1, 0), new CreateEntry(1, 1, 1, false), new SyncLosingAnswer(1),
      new KillServer(), new Sync(1, 0), new StartServer(), new ReplayOldRequest(0), new ReplayOldRequest(1), new RestartServer(),
      new TabsSyncTogether(1)],
  },
];

async function runScenario(settings: Settings, commands: Cmd[]): Promise<{ refused: number }> {
  trace = [`settings ${JSON.stringify(settings)}`];
  const { real, model } = await setup(settings);
  try {
    await fc.asyncModelRun(() => ({ model, real }), commands);
    note('settle');
    return await settleAndCheck(real, model);
  } catch (err) {
    console.log(`[model] trace:\n${trace.join('\n')}`);
    throw err;
  } finally {
    await teardown(real);
  }
}

describe('outbox + runner (client) against the sync endpoint (server): model-based', () => {
  for (const sc of SCENARIOS) {
    it(`scenario: ${sc.name}`, async () => {
      const { refused } = await runScenario(sc.settings, sc.commands());
      expect(refused).toBe(sc.refused ?? 0);
    }, 60_000);
  }

  it(`keeps every entry exactly once and converges (${NUM_RUNS} runs)`, async () => {
    for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] = 0;
    // The runs must do what they are meant to: lose answers, replay old requests, restart
    // servers, ... (checked for the default number of runs). The commands are random, so a batch
    // of runs may by chance miss a rare one (a sync between a session's expiry and the next
    // login, say): then another batch runs, up to three.
    const mustHappen = ['lostAnswers', 'replays', 'restarts', 'tabsTogether', 'decisions', 'unauthorized', 'capRefusals', 'syncsOk', 'syncsOffline'] as const;
    for (let batch = 0; batch < 3; batch++) {
      const seed = batch === 0 && process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : undefined;
      await fc.assert(propertyWith(), { numRuns: NUM_RUNS, seed })
        .catch((err: unknown) => {
          console.log(`[model] trace of the last failing run:\n${failedTrace.join('\n')}`);
          throw err;
        });
      console.log(`[model] exercised: ${JSON.stringify(seen)}`);
      if (NUM_RUNS < 30 || mustHappen.every((k) => seen[k] > 0)) break;
    }
    if (NUM_RUNS < 30) return;
    for (const k of mustHappen) expect(seen[k], k).toBeGreaterThan(0);
  }, 600_000);

  for (const r of REGRESSIONS) {
    it(`regression (seed ${r.seed}): ${r.note}`, async () => {
      await fc.assert(propertyWith(r.replayPath), { seed: r.seed, path: r.path, endOnFailure: true }).catch((err: unknown) => {
        console.log(`[model] trace:\n${failedTrace.join('\n')}`);
        throw err;
      });
    }, 120_000);
  }
});
