// A small world for the sync tests (server/test/fixtures.ts of the platform may replace it):
// one township with two villages, households, persons, a catalogue, and staff users, every row
// logged in `changes` as every writer must. Plus a minimal app that mounts syncRoutes behind the
// same /api guards as server/app.ts, with the session user picked by a test header.
import { Hono } from 'hono';
import { uuidv7 } from 'uuidv7';
import type { AppEnv, Deps, SessionUser } from '../context';
import type { Mutation, SyncRequest, SyncResponse } from '../../shared/protocol/sync';
import { PROTOCOL_VERSION, SCHEMA_VERSION, scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import { loadConfig } from '../config';
import { piiKeysFrom, protectIdNumber } from '../security/pii';
import { onError } from '../http/errors';
import { jsonOnly, limitBody } from '../http/api-guards';
import { recordChanges } from '../db/changes';
import { createTestDatabase, type TestDatabase } from '../test/databases';
import type { Dialect } from '../db/connect';
import { syncRoutes } from '../sync/routes';

export const T0 = new Date('2025-06-15T04:00:00.000Z'); // 12:00 in China

export interface World {
  townshipId: string; v1: string; v2: string; h1: string; h2: string; h1b: string; p1: string; p2: string;
  catalogId: string; users: Record<'collector' | 'collector2' | 'committee' | 'admin' | 'resident' | 'otherVillage', SessionUser>;
}

export async function seedWorld(t: TestDatabase): Promise<World> {
  const now = T0.toISOString();
  const id = () => uuidv7();
  const w = {
    townshipId: id(), v1: id(), v2: id(), h1: id(), h2: id(), h1b: id(), p1: id(), p2: id(), catalogId: id(),
  };
  const db = t.db;
  await db.insertInto('townships').values({ id: w.townshipId, code: 'T1', name: '南村镇', created_at: now }).execute();
  await db.insertInto('villages').values([
    { id: w.v1, township_id: w.townshipId, code: 'V1', name: '东村', created_at: now },
    { id: w.v2, township_id: w.townshipId, code: 'V2', name: '西村', created_at: now },
  ]).execute();
  const hh = (hid: string, villageId: string, no: string, head: string) => ({
    id: hid, village_id: villageId, household_no: no, head_name: head, phone: null, created_at: now, updated_at: now,
  });
  await db.insertInto('households').values([
    hh(w.h1, w.v1, '001', '张三'), hh(w.h1b, w.v1, '002', '李四'), hh(w.h2, w.v2, '001', '王五'),
  ]).execute();
  const pii = protectIdNumber(testPii, '11010519491231002X');
  await db.insertInto('persons').values([
    { id: w.p1, household_id: w.h1, village_id: w.v1, name: '张三', relation: '户主', birth_year: 1949,
      id_hash: pii.idHash, id_last4: pii.idLast4, id_cipher: pii.idCipher, phone: null, created_at: now, updated_at: now },
    { id: w.p2, household_id: w.h2, village_id: w.v2, name: '王五', relation: '户主', birth_year: 1960,
      id_hash: null, id_last4: null, id_cipher: null, phone: null, created_at: now, updated_at: now },
  ]).execute();
  await db.insertInto('catalog_versions').values({
    id: w.catalogId, township_id: w.townshipId, version: 1, name: '2025版', effective_from: '2025-01-01', published_at: now,
  }).execute();
  const ind = (code: string, sign: number, min: number, max: number, extra: Partial<{ cap_count: number; cap_period: string; subject: string }> = {}) => ({
    id: id(), catalog_version_id: w.catalogId, code, category: '社会公德', name_zh: code, name_en: code, sign,
    points_min: min, points_max: max, cap_count: extra.cap_count ?? null, cap_period: extra.cap_period ?? null,
    subject: extra.subject ?? 'household',
  });
  const indicators = [
    ind('B01', 1, 3, 3, { cap_count: 2, cap_period: 'month' }), // volunteering: capped
    ind('B02', 1, 5, 10),
    ind('B10', -1, -5, -5), // a deduction
    ind('A01', 1, 2, 2, { subject: 'person' }),
  ];
  await db.insertInto('indicators').values(indicators).execute();

  const staff = (role: SessionUser['role'], villageIds: string[]): SessionUser => ({
    id: id(), sessionId: id(), role, displayName: role, townshipId: w.townshipId, householdId: null, villageIds,
  });
  const users = {
    collector: staff('collector', [w.v1]),
    collector2: staff('collector', [w.v1]),
    committee: staff('committee', [w.v1]),
    admin: staff('admin', [w.v1, w.v2]),
    otherVillage: staff('collector', [w.v2]),
    resident: { ...staff('resident', []), householdId: w.h1 },
  };
  await db.insertInto('users').values(Object.values(users).map((u) => ({
    id: u.id, username: u.role === 'resident' ? null : `${u.role}-${u.id.slice(-6)}`, display_name: u.displayName,
    role: u.role, township_id: w.townshipId, household_id: u.householdId, phone: null, password_hash: null,
    pin_hash: null, created_at: now,
  }))).execute();

  await db.transaction().execute(async (trx) => {
    await recordChanges(trx, scopeOfTownship(w.townshipId), 'catalogVersion', [w.catalogId]);
    await recordChanges(trx, scopeOfTownship(w.townshipId), 'indicator', indicators.map((i) => i.id));
    for (const [v, hs, ps] of [[w.v1, [w.h1, w.h1b], [w.p1]], [w.v2, [w.h2], [w.p2]]] as const) {
      await recordChanges(trx, scopeOfVillage(v), 'village', [v]);
      await recordChanges(trx, scopeOfVillage(v), 'household', hs);
      await recordChanges(trx, scopeOfVillage(v), 'person', ps);
    }
  });
  return { ...w, users };
}

export const testPii = piiKeysFrom('0'.repeat(64));

export interface Clock { now: Date }

export function testDeps(t: TestDatabase, clock: Clock = { now: T0 }): Deps {
  return { db: t.db, dialect: t.dialect, config: loadConfig({ SYNC_RATE_PER_MINUTE: '1000000', HEAVY_CONCURRENCY: '1000' }), pii: testPii, now: () => clock.now };
}

/** The router behind the same /api guards as server/app.ts; header x-test-user picks the session user. */
export function testApp(deps: Deps, users: Record<string, SessionUser>) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('user', users[c.req.header('x-test-user') ?? ''] ?? null);
    await next();
  });
  app.use('/api/*', limitBody, jsonOnly);
  app.route('/api/sync', syncRoutes);
  return app;
}

export type TestApp = ReturnType<typeof testApp>;

/** What most sync tests start from: a fresh database, the world seeded in it, the app over it. */
export interface SyncWorld { t: TestDatabase; w: World; app: TestApp }

export async function openSyncWorld(dialect: Dialect): Promise<SyncWorld> {
  const t = await createTestDatabase(dialect);
  const w = await seedWorld(t);
  return { t, w, app: testApp(testDeps(t), w.users) };
}

export async function postSync(app: TestApp, user: string | null, body: unknown): Promise<{ status: number; json: SyncResponse & { error?: { code: string; message: string } } }> {
  const res = await app.request('/api/sync', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as SyncResponse & { error?: { code: string; message: string } } };
}

export function request(mutations: unknown[], extra: Partial<SyncRequest> = {}): SyncRequest {
  return { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations, cursors: {}, ...extra };
}

export const DEVICE = '0190a000-0000-7000-8000-000000000001';
let seq = 0;

export function entryCreate(w: World, over: Partial<Extract<Mutation, { kind: 'entry.create' }>['payload']> = {}, at = T0.toISOString()): Mutation {
  return {
    id: uuidv7(), kind: 'entry.create', deviceSeq: ++seq, at,
    payload: {
      entryId: uuidv7(), householdId: w.h1, personId: null, catalogVersionId: w.catalogId, indicatorCode: 'B02',
      occurredOn: '2025-06-14', points: 5, note: '拾金不昧', reverses: null, ...over,
    },
  };
}

export function entryWithdraw(entryId: string, reason = '录错了'): Mutation {
  return { id: uuidv7(), kind: 'entry.withdraw', deviceSeq: ++seq, at: T0.toISOString(), payload: { entryId, reason } };
}

export function householdUpdate(householdId: string, baseVersion: number, fields: Extract<Mutation, { kind: 'household.update' }>['payload']['fields']): Mutation {
  return { id: uuidv7(), kind: 'household.update', deviceSeq: ++seq, at: T0.toISOString(), payload: { householdId, baseVersion, fields } };
}

export function personUpdate(personId: string, baseVersion: number, fields: Extract<Mutation, { kind: 'person.update' }>['payload']['fields']): Mutation {
  return { id: uuidv7(), kind: 'person.update', deviceSeq: ++seq, at: T0.toISOString(), payload: { personId, baseVersion, fields } };
}

export async function count(t: TestDatabase, table: 'entries' | 'sync_mutations' | 'entry_events' | 'sync_conflicts'): Promise<number> {
  const r = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
