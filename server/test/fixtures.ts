// A small world for API tests: township T1 with villages V1 and V2, township T2 with V3, one
// household per village (H1 has two members), the default catalogue published in both townships,
// one user per role (and a second committee member for two-person approvals), and a clock that
// tests can move. Every row is logged in `changes` (as every writer must), so a phone's pull
// sees the world. Every test file builds its own with createFixture(dialect).
//
//   const fx = await createFixture(dialect);
//   const res = await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`);
//   await fx.close();
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../context';
import type { Config } from '../config';
import type { Role } from '../../shared/domain/roles';
import type { EntryState } from '../../shared/domain/entry-state';
import { createApp } from '../app';
import { createTestDatabase, type TestDatabase } from './databases';
import type { Dialect } from '../db/connect';
import { piiKeysFrom, protectIdNumber } from '../security/pii';
import { hashSecret } from '../auth/password';
import { openSession } from '../auth/login';
import { sessionCookieName } from '../auth/session-token';
import { DEFAULT_INDICATORS } from '../../shared/domain/catalog-default';
import type { PulledEntity } from '../../shared/protocol/sync';
import { scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import { recordChanges } from '../db/changes';
import { writeTransaction } from '../db/transaction';
import { applyHouseholdsAdded, applyTallyDelta } from '../repositories/tallies';

export const TEST_PASSWORD = 'cunxin-Test-2025';
export const TEST_PIN = '246810';
export const RESIDENT_PHONE = '13800138001';
/** A valid GB 11643 number (security.md); it must never appear in any response. */
export const TEST_ID_NUMBER = '11010519491231002X';
export const FIXTURE_START = new Date('2025-06-15T02:00:00.000Z');

export type FixtureUser = 'admin' | 'township' | 'committee' | 'committee2' | 'collector' | 'resident' | 'collector2';

export const FIXTURE_ROLES: Record<FixtureUser, Role> = {
  admin: 'admin', township: 'township', committee: 'committee', committee2: 'committee',
  collector: 'collector', resident: 'resident', collector2: 'collector',
};
export const FIXTURE_USERNAMES: Record<Exclude<FixtureUser, 'resident'>, string> = {
  admin: 'admin1', township: 'township1', committee: 'committee1', committee2: 'committee2', collector: 'collector1', collector2: 'collector2',
};

export interface FixtureIds {
  t1: string; t2: string; v1: string; v2: string; v3: string; h1: string; h2: string; h3: string;
  p1: string; p2: string; cv1: string; cv2: string;
  users: Record<FixtureUser, string>;
}

export interface NewTestEntry {
  householdId?: string; villageId?: string; indicatorCode?: string; points?: number; note?: string;
  state?: EntryState; recorder?: FixtureUser; occurredOn?: string; catalogVersionId?: string;
}

export interface Fixture {
  dialect: Dialect;
  database: TestDatabase;
  deps: Deps;
  app: ReturnType<typeof createApp>;
  ids: FixtureIds;
  clock: { set(d: Date): void; advance(ms: number): void };
  /** A fresh session cookie header for a fixture user (no login, no throttle). */
  cookie(user: FixtureUser): Promise<string>;
  /** app.request as a user (or anonymous with null); a body is sent as JSON. */
  request(user: FixtureUser | null, method: string, path: string, body?: unknown): Promise<Response>;
  addEntry(e?: NewTestEntry): Promise<string>;
  addHousehold(villageId: string, householdNo: string, headName?: string): Promise<string>;
  /** An open edit conflict on a household's field (as household.update leaves one), recorded by collector. */
  addConflict(c?: { householdId?: string; field?: string; serverValue?: unknown; clientValue?: unknown }): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0, host: '127.0.0.1', databaseUrl: null, dataDir: path.join(os.tmpdir(), 'cx-unused'), sqlitePath: ':memory:',
    piiKeyHex: null, cookieSecure: false, sessionDays: 30, residentIdleMinutes: 20, syncWriterThread: false, settleEveryMs: 60_000,
    logLevel: 'silent', metricsToken: null, trustProxy: null, piiKeyFile: path.join(os.tmpdir(), 'cx-unused-keys', 'pii.key'),
    syncRatePerMinute: 10_000, exportRatePerMinute: 10_000, heavyConcurrency: 1000, ...overrides,
  };
}

export async function createFixture(dialect: Dialect, opts: { config?: Partial<Config> } = {}): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  let current = new Date(FIXTURE_START);
  const deps: Deps = {
    db: database.db, dialect, config: testConfig(opts.config), pii: piiKeysFrom(crypto.randomBytes(32).toString('hex')), now: () => new Date(current),
  };
  const ids = await insertWorld(deps);
  const app = createApp(deps);

  const cookie = async (user: FixtureUser) => `${sessionCookieName(deps.config)}=${await openSession(deps, ids.users[user])}`;
  const request = async (user: FixtureUser | null, method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (user) headers.cookie = await cookie(user);
    if (body !== undefined) headers['content-type'] = 'application/json';
    return app.request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const addEntry = async (e: NewTestEntry = {}) => {
    const householdId = e.householdId ?? ids.h1;
    const village = await deps.db.selectFrom('households').select('village_id').where('id', '=', householdId).executeTakeFirstOrThrow();
    const id = uuidv7();
    const at = deps.now().toISOString();
    const points = e.points ?? 5;
    await deps.db.insertInto('entries').values({
      id, village_id: e.villageId ?? village.village_id, household_id: householdId, person_id: null,
      catalog_version_id: e.catalogVersionId ?? (village.village_id === ids.v3 ? ids.cv2 : ids.cv1),
      indicator_code: e.indicatorCode ?? (points < 0 ? 'B06' : 'B02'), occurred_on: e.occurredOn ?? at.slice(0, 10), points,
      note: e.note ?? (points < 0 ? '村规民约第5条，照片为证' : ''), recorder_id: ids.users[e.recorder ?? 'collector'],
      device_id: 'test-device', device_seq: 0, state: e.state ?? 'submitted', reverses: null, notice_id: null,
      content_hash: id, client_created_at: at, created_at: at, updated_at: at,
    }).execute();
    await logChanges(deps, scopeOfVillage(e.villageId ?? village.village_id), 'entry', [id]);
    // Written straight into its state, so the kept tallies learn of it as a recomputation would.
    await writeTransaction(deps, (trx) => applyTallyDelta(trx, [{
      entry: { id, villageId: e.villageId ?? village.village_id, householdId, points, occurredOn: e.occurredOn ?? at.slice(0, 10), createdAt: at },
      from: null, to: e.state ?? 'submitted', at, stateOnly: true,
    }]));
    return id;
  };
  const addHousehold = async (villageId: string, householdNo: string, headName = '测试户') => {
    const id = uuidv7();
    const at = deps.now().toISOString();
    await deps.db.insertInto('households').values({ id, village_id: villageId, household_no: householdNo, head_name: headName, phone: null, created_at: at, updated_at: at }).execute();
    await logChanges(deps, scopeOfVillage(villageId), 'household', [id]);
    // As the product's household writers do: the village's ranking figures count its households.
    await writeTransaction(deps, (trx) => applyHouseholdsAdded(trx, [villageId]));
    return id;
  };
  const addConflict: Fixture['addConflict'] = async (c = {}) => {
    const householdId = c.householdId ?? ids.h1;
    const village = await deps.db.selectFrom('households').select('village_id').where('id', '=', householdId).executeTakeFirstOrThrow();
    const id = uuidv7();
    await deps.db.insertInto('sync_conflicts').values({
      id, village_id: village.village_id, entity: 'household', entity_id: householdId, field: c.field ?? 'groupNo', base_version: 1,
      server_value: JSON.stringify(c.serverValue ?? 1), client_value: JSON.stringify(c.clientValue ?? 2), mutation_id: uuidv7(),
      user_id: ids.users.collector, created_at: deps.now().toISOString(), resolved_by: null, resolved_at: null,
    }).execute();
    return id;
  };
  return {
    dialect, database, deps, app, ids,
    clock: { set: (d) => { current = new Date(d); }, advance: (ms) => { current = new Date(current.getTime() + ms); } },
    cookie, request, addEntry, addHousehold, addConflict,
    close: () => database.drop(),
  };
}

/** Logs rows in the pull log (server/db/changes.ts), as every writer must, so phones pull them. */
async function logChanges(deps: Deps, scope: string, entity: PulledEntity, ids: readonly string[]): Promise<void> {
  await writeTransaction(deps, (trx) => recordChanges(trx, scope, entity, ids));
}

async function insertWorld(deps: Deps): Promise<FixtureIds> {
  const db = deps.db;
  const now = deps.now().toISOString();
  const id = () => uuidv7();
  const ids = {
    t1: id(), t2: id(), v1: id(), v2: id(), v3: id(), h1: id(), h2: id(), h3: id(), p1: id(), p2: id(), cv1: id(), cv2: id(),
  };
  await db.insertInto('townships').values([
    { id: ids.t1, code: 'T1', name: '测试镇', created_at: now },
    { id: ids.t2, code: 'T2', name: '邻镇', created_at: now },
  ]).execute();
  await db.insertInto('villages').values([
    { id: ids.v1, township_id: ids.t1, code: 'V1', name: '东村', created_at: now },
    { id: ids.v2, township_id: ids.t1, code: 'V2', name: '西村', created_at: now },
    { id: ids.v3, township_id: ids.t2, code: 'V3', name: '南村', created_at: now },
  ]).execute();
  const household = (hid: string, villageId: string, no: string, head: string, phone: string | null) => ({
    id: hid, village_id: villageId, household_no: no, head_name: head, phone, created_at: now, updated_at: now,
  });
  await db.insertInto('households').values([
    household(ids.h1, ids.v1, '001', '张三', RESIDENT_PHONE),
    household(ids.h2, ids.v2, '001', '李四', null),
    household(ids.h3, ids.v3, '001', '王五', null),
  ]).execute();
  const idn = protectIdNumber(deps.pii, TEST_ID_NUMBER);
  await db.insertInto('persons').values([
    { id: ids.p1, household_id: ids.h1, village_id: ids.v1, name: '张三', relation: '户主', birth_year: 1949, is_minor: 0, id_hash: idn.idHash, id_last4: idn.idLast4, id_cipher: idn.idCipher, phone: RESIDENT_PHONE, created_at: now, updated_at: now },
    { id: ids.p2, household_id: ids.h1, village_id: ids.v1, name: '张小明', relation: '子', birth_year: 2015, is_minor: 1, id_hash: null, id_last4: null, id_cipher: null, phone: null, created_at: now, updated_at: now },
  ]).execute();
  for (const [cv, township] of [[ids.cv1, ids.t1], [ids.cv2, ids.t2]] as const) {
    await db.insertInto('catalog_versions').values({ id: cv, township_id: township, version: 1, name: '2025年版', effective_from: '2025-01-01', published_at: now }).execute();
    const indicators = await db.insertInto('indicators').values(DEFAULT_INDICATORS.map((ind) => ({
      id: id(), catalog_version_id: cv, code: ind.code, category: ind.category, name_zh: ind.nameZh, name_en: ind.nameEn,
      sign: ind.sign, points_min: ind.pointsMin, points_max: ind.pointsMax, cap_count: ind.capCount, cap_period: ind.capPeriod,
      evidence_required: ind.evidenceRequired ? 1 : 0, subject: ind.subject, recorder_roles: ind.recorderRoles.join(','), sort: ind.sort,
    }))).returning('id').execute();
    await logChanges(deps, scopeOfTownship(township), 'catalogVersion', [cv]);
    await logChanges(deps, scopeOfTownship(township), 'indicator', indicators.map((i) => i.id));
  }
  for (const [v, households, persons] of [[ids.v1, [ids.h1], [ids.p1, ids.p2]], [ids.v2, [ids.h2], []], [ids.v3, [ids.h3], []]] as const) {
    await logChanges(deps, scopeOfVillage(v), 'village', [v]);
    await logChanges(deps, scopeOfVillage(v), 'household', households);
    await logChanges(deps, scopeOfVillage(v), 'person', persons);
  }

  const users = Object.fromEntries(Object.keys(FIXTURE_ROLES).map((k) => [k, id()])) as Record<FixtureUser, string>;
  const passwordHash = await hashSecret(TEST_PASSWORD);
  const pinHash = await hashSecret(TEST_PIN);
  const staffTownship: Partial<Record<FixtureUser, string>> = { admin: ids.t1, township: ids.t1 };
  for (const [key, role] of Object.entries(FIXTURE_ROLES) as [FixtureUser, Role][]) {
    const resident = role === 'resident';
    await db.insertInto('users').values({
      id: users[key], username: resident ? null : FIXTURE_USERNAMES[key as Exclude<FixtureUser, 'resident'>],
      display_name: `${key}用户`, role, township_id: staffTownship[key] ?? null, household_id: resident ? ids.h1 : null,
      phone: resident ? RESIDENT_PHONE : null, password_hash: resident ? null : passwordHash, pin_hash: resident ? pinHash : null, created_at: now,
    }).execute();
  }
  await db.insertInto('user_villages').values([
    { user_id: users.committee, village_id: ids.v1 },
    { user_id: users.committee2, village_id: ids.v1 },
    { user_id: users.collector, village_id: ids.v1 },
    { user_id: users.collector2, village_id: ids.v1 },
  ]).execute();
  return { ...ids, users };
}
