// The real server process (server/main.ts) as an operator runs it, on SQLite and PostgreSQL:
// - a whole session (logins, pushes carrying the demo's names, phones and ID numbers, a household
//   edit, a review) leaves a JSON log with request ids, route patterns, statuses, latencies and
//   user ids, and none of the demo's names, phones or ID numbers;
// - the data files are private to the service user and the PII key is not among them;
// - SIGTERM in the middle of pushes: the batches in flight are answered, what was answered is
//   stored, the rest is retried by the phones against the next server and stored exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, createTestDatabase, type TestDatabase } from '../test/databases';
import { freePort, startServerProcess, type ServerProcess } from '../test/processes';
import { openDatabase, type Db, type Dialect } from '../db/connect';
import { decryptIdNumber, piiKeysFrom } from '../security/pii';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type SyncResponse } from '../../shared/protocol/sync';
import { SimDevice, NOTE_PREFIX, type EntryWorld, type ServerLink } from '../test/crash-harness/devices';
import { seededRandom } from '../test/crash-harness/harness';

interface Started { proc: ServerProcess; dataDir: string; keyDir: string; env: Record<string, string>; db: TestDatabase | null }

async function startServer(dialect: Dialect, port: number, prev?: Started): Promise<Started> {
  const root = prev ? path.dirname(prev.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'cx-ops-'));
  const db = prev ? prev.db : dialect === 'postgres' ? await createTestDatabase('postgres') : null;
  const env: Record<string, string> = prev?.env ?? {
    DATA_DIR: path.join(root, 'data'), KEY_DIR: path.join(root, 'keys'), LOG_LEVEL: 'info', DATABASE_URL: db?.databaseUrl ?? '',
    SYNC_RATE_PER_MINUTE: '100000',
  };
  const proc = await startServerProcess({ port, env, timeoutMs: 120_000 });
  return { proc, dataDir: env.DATA_DIR, keyDir: env.KEY_DIR, env, db };
}

async function login(url: string, body: Record<string, string>, pathName = '/api/auth/login'): Promise<string> {
  const res = await fetch(`${url}${pathName}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`login ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'))!;
}

const post = (url: string, cookie: string, p: string, body: unknown) =>
  fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

function openDb(s: Started): Db {
  return openDatabase({ databaseUrl: s.env.DATABASE_URL || null, sqlitePath: path.join(s.dataDir, 'cunxin.sqlite') });
}

/** Every name, phone and ID number of the demo, read from the database the server seeded. */
async function demoSecrets(s: Started): Promise<string[]> {
  const handle = openDb(s);
  try {
    const key = piiKeysFrom(fs.readFileSync(path.join(s.keyDir, 'pii.key'), 'utf8').trim());
    const households = await handle.db.selectFrom('households').select(['head_name', 'phone']).execute();
    const persons = await handle.db.selectFrom('persons').select(['name', 'phone', 'id_cipher']).execute();
    const users = await handle.db.selectFrom('users').select(['display_name', 'phone']).execute();
    const out = new Set<string>();
    for (const h of households) { out.add(h.head_name); if (h.phone) out.add(h.phone); }
    for (const p of persons) {
      out.add(p.name);
      if (p.phone) out.add(p.phone);
      if (p.id_cipher) out.add(decryptIdNumber(key, p.id_cipher));
    }
    for (const u of users) { out.add(u.display_name); if (u.phone) out.add(u.phone); }
    // Place names are not personal data, and the start-up log names the demo's villages: a person
    // called 王家 is inside 王家疃村.
    const places = [
      ...(await handle.db.selectFrom('villages').select('name').execute()),
      ...(await handle.db.selectFrom('townships').select('name').execute()),
    ].map((p) => p.name);
    return [...out].filter((x) => x.length >= 2 && x !== '系统管理员' && !places.some((p) => p.includes(x)));
  } finally {
    await handle.close();
  }
}

describe.each(await testDialects())('the server process on %s', (dialect) => {
  let s: Started;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    s = await startServer(dialect, port);
  }, 150_000);
  afterAll(async () => {
    await s?.proc.kill('SIGKILL');
    await s?.db?.drop();
    if (s) fs.rmSync(path.dirname(s.dataDir), { recursive: true, force: true });
  });

  it('keeps the data files private and the PII key out of DATA_DIR', async () => {
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    if (dialect === 'postgres' && !fs.existsSync(s.dataDir)) fs.mkdirSync(s.dataDir, { recursive: true, mode: 0o700 }); // nothing to keep there
    expect(mode(s.dataDir)).toBe(0o700);
    for (const f of fs.readdirSync(s.dataDir)) expect(mode(path.join(s.dataDir, f)), f).toBe(0o600);
    if (dialect === 'sqlite') expect(fs.readdirSync(s.dataDir)).toEqual(expect.arrayContaining(['cunxin.sqlite', 'cunxin.sqlite-wal']));
    expect(fs.readdirSync(s.dataDir).some((f) => f.includes('key'))).toBe(false);
    expect(mode(path.join(s.keyDir, 'pii.key'))).toBe(0o600);
  });

  it('logs a whole session as JSON lines without any of the demo\'s names, phones or ID numbers', async () => {
    const url = s.proc.url;
    const secrets = await demoSecrets(s);
    expect(secrets.length).toBeGreaterThan(500);
    const handle = openDb(s);
    const [household] = await handle.db.selectFrom('households').innerJoin('user_villages', 'user_villages.village_id', 'households.village_id')
      .innerJoin('users', 'users.id', 'user_villages.user_id').where('users.username', '=', 'collector1')
      .select(['households.id', 'households.version', 'households.head_name', 'households.village_id']).orderBy('households.id').limit(1).execute();
    const person = await handle.db.selectFrom('persons').where('household_id', '=', household.id).select(['id', 'version', 'name']).executeTakeFirstOrThrow();
    const withId = await handle.db.selectFrom('persons').where('id_cipher', 'is not', null).select('id_cipher').executeTakeFirstOrThrow();
    const catalog = await handle.db.selectFrom('indicators').innerJoin('catalog_versions', 'catalog_versions.id', 'indicators.catalog_version_id')
      .where('catalog_versions.status', '=', 'published').where('indicators.cap_count', 'is', null).where('indicators.sign', '=', 1)
      .where('indicators.subject', '=', 'household').where('indicators.recorder_roles', 'like', '%collector%')
      .select(['indicators.code', 'indicators.points_min', 'catalog_versions.id as cv']).executeTakeFirstOrThrow();
    await handle.close();
    const idNumber = decryptIdNumber(piiKeysFrom(fs.readFileSync(path.join(s.keyDir, 'pii.key'), 'utf8').trim()), withId.id_cipher!);
    const otherName = secrets.find((x) => /^[\u4e00-\u9fff]{2,3}$/.test(x) && x !== household.head_name)!;
    const phone = secrets.find((x) => /^1\d{10}$/.test(x))!;

    const collector = await login(url, { username: 'collector1', password: 'cunxin-collect' });
    const deviceId = uuidv7();
    const envelope = (mutations: unknown[]) => ({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId, mutations, cursors: {}, pullLimit: 500 });
    const now = new Date().toISOString();
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const entryId = uuidv7();
    const push = await post(url, collector, '/api/sync', envelope([
      { id: uuidv7(), kind: 'entry.create', deviceSeq: 1, at: now, payload: { entryId, householdId: household.id, personId: null, catalogVersionId: catalog.cv, indicatorCode: catalog.code, occurredOn: yesterday, points: catalog.points_min, note: `${person.name} 帮助 ${otherName}，电话 ${phone}`, reverses: null } },
      { id: uuidv7(), kind: 'household.update', deviceSeq: 2, at: now, payload: { householdId: household.id, baseVersion: household.version, fields: { headName: otherName, phone } } },
      { id: uuidv7(), kind: 'person.update', deviceSeq: 3, at: now, payload: { personId: person.id, baseVersion: person.version, fields: { name: `${person.name}`, phone } } },
      // Refused items: a bad payload that quotes personal data, and one for an unknown household.
      { id: uuidv7(), kind: 'entry.create', deviceSeq: 4, at: now, payload: { entryId: uuidv7(), householdId: household.id, personId: null, catalogVersionId: catalog.cv, indicatorCode: idNumber, occurredOn: phone, points: 1, note: otherName, reverses: null } },
      // A note with an ID number is refused (guardrail 6); the refusal's log line must not carry it either.
      { id: uuidv7(), kind: 'entry.create', deviceSeq: 6, at: now, payload: { entryId: uuidv7(), householdId: household.id, personId: null, catalogVersionId: catalog.cv, indicatorCode: catalog.code, occurredOn: yesterday, points: catalog.points_min, note: `身份证 ${idNumber}`, reverses: null } },
      { id: uuidv7(), kind: 'household.update', deviceSeq: 5, at: now, payload: { householdId: uuidv7(), baseVersion: 1, fields: { headName: person.name } } },
    ]));
    expect(push.status).toBe(200);
    const answer = (await push.json()) as SyncResponse;
    expect(answer.results.map((r) => r.status).slice(0, 3)).toEqual(['applied', 'applied', 'applied']);
    // A bootstrap pull: its answer is full of names (the phone needs them), its log line is not.
    expect((await post(url, collector, '/api/sync', envelope([]))).status).toBe(200);
    // Personal data in places that must not reach the log: a query string, a path, a malformed body.
    await fetch(`${url}/api/township/ranking?year=${encodeURIComponent(otherName)}&phone=${phone}`, { headers: { cookie: collector } });
    await fetch(`${url}/api/households/${encodeURIComponent(idNumber)}`, { headers: { cookie: collector } });
    await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username": "${otherName}", "password": ` });

    const committee = await login(url, { username: 'committee1', password: 'cunxin-review' });
    const queue = await fetch(`${url}/api/review/queue?villageId=${household.village_id}`, { headers: { cookie: committee } });
    expect(queue.status).toBe(200);
    const review = await post(url, committee, `/api/review/entries/${entryId}/decisions`, { decision: 'approve', reason: `核实：${person.name} ${phone}` });
    expect(review.status).toBeLessThan(500);
    // The resident logs in by phone (wrong PIN first).
    await fetch(`${url}/api/auth/resident-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800000001', pin: '000000' }) });
    const resident = await login(url, { phone: '13800000001', pin: '123456' }, '/api/auth/resident-login');
    const me = await fetch(`${url}/api/auth/me`, { headers: { cookie: resident } });
    const residentId = ((await me.json()) as { user: { id: string } }).user.id;
    await new Promise((r) => setTimeout(r, 200));

    const out = s.proc.output();
    const lines = out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(10);
    for (const r of requests) {
      expect(r).toMatchObject({ reqId: expect.any(String), method: expect.any(String), route: expect.any(String), status: expect.any(Number), ms: expect.any(Number) });
      expect(String(r.route)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/); // a pattern, never a raw id
    }
    expect(requests).toContainEqual(expect.objectContaining({ route: '/api/review/entries/:entryId/decisions', method: 'POST' }));
    expect(requests).toContainEqual(expect.objectContaining({ route: '/api/auth/me', userId: residentId, status: 200 }));
    const leaked = [...secrets, '13800000001', idNumber, otherName, phone].filter((x) => out.includes(x));
    expect(leaked).toEqual([]);
  }, 120_000);

  it('on SIGTERM mid-push answers the batches in flight, stores what it answered, and the phones retry the rest', async () => {
    const url = () => `http://127.0.0.1:${port}`;
    const handle = openDb(s);
    const households = await handle.db.selectFrom('households').innerJoin('user_villages', 'user_villages.village_id', 'households.village_id')
      .innerJoin('users', 'users.id', 'user_villages.user_id').where('users.username', '=', 'collector1').where('households.deleted', '=', 0)
      .select('households.id').orderBy('households.id').limit(40).execute();
    const ind = await handle.db.selectFrom('indicators').innerJoin('catalog_versions', 'catalog_versions.id', 'indicators.catalog_version_id')
      .where('catalog_versions.status', '=', 'published').where('indicators.cap_count', 'is', null).where('indicators.sign', '=', 1)
      .where('indicators.subject', '=', 'household').where('indicators.recorder_roles', 'like', '%collector%')
      .select(['indicators.code', 'indicators.points_min', 'indicators.points_max', 'catalog_versions.id as cv']).orderBy('indicators.code').executeTakeFirstOrThrow();
    await handle.close();
    const world: EntryWorld = {
      householdIds: households.map((h) => h.id), catalogVersionId: ind.cv, indicatorCode: ind.code, pointsMin: ind.points_min, pointsMax: ind.points_max,
      occurredOn: new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10),
    };

    let generation = 1;
    let up = true;
    let creating = true;
    let sigtermAt = 0;
    let answeredAfterSigterm = 0;
    const waiters: (() => void)[] = [];
    const link: ServerLink = {
      url, generation: () => generation, creating: () => creating, stopped: () => false, inFlight: { n: 0 },
      answered: (gen) => { if (sigtermAt && gen === 1) answeredAfterSigterm++; },
      waitUp: (after, fallbackMs) => new Promise<void>((resolve) => {
        if (up && generation > after) return resolve();
        waiters.push(resolve);
        if (up) setTimeout(resolve, fallbackMs ?? 300);
      }),
    };
    const cookies = await Promise.all([0, 1, 2, 3].map(() => login(url(), { username: 'collector1', password: 'cunxin-collect' })));
    const devices = cookies.map((c, i) => new SimDevice(c, world, seededRandom(77 + i), 50));
    const running = devices.map((d) => d.run(link));

    // SIGTERM once pushes are under way and some are in flight.
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < 200 && link.inFlight.n === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const inFlightAtSigterm = link.inFlight.n;
    sigtermAt = Date.now();
    up = false;
    const ackedBefore = new Map(devices.flatMap((d) => [...d.acked]));
    await s.proc.kill('SIGTERM');
    const exit = await s.proc.exited;
    if (exit.code !== 0) console.error('SIGTERMOUT', s.proc.output().slice(-3000));
    expect(exit.code).toBe(0);
    expect(s.proc.output()).toMatch(/"msg":"已停止 \/ stopped"/);
    expect(inFlightAtSigterm).toBeGreaterThan(0);
    expect(answeredAfterSigterm).toBeGreaterThan(0); // in-flight batches were answered, not cut off

    // Everything answered so far is stored, before any restart.
    const acked = new Map(devices.flatMap((d) => [...d.acked]));
    expect(acked.size).toBeGreaterThan(ackedBefore.size - 1);
    const stored = async () => {
      const h = openDb(s);
      try {
        const rows = await h.db.selectFrom('entries').select('note').where('note', 'like', `${NOTE_PREFIX}%`).execute();
        return rows.map((r) => r.note.slice(NOTE_PREFIX.length));
      } finally {
        await h.close();
      }
    };
    const afterStop = new Set(await stored());
    const missing = [...acked.values()].filter((entryId) => !afterStop.has(entryId));
    expect(missing).toEqual([]);

    // The next server: the phones send what was not answered; everything ends up stored once.
    s = await startServer(dialect, port, s);
    generation = 2;
    up = true;
    waiters.splice(0).forEach((w) => w());
    creating = false;
    await Promise.all(running);
    expect(devices.reduce((n, d) => n + d.outbox.length, 0)).toBe(0);
    expect(devices.flatMap((d) => d.unexpected)).toEqual([]);
    const created = devices.flatMap((d) => [...d.created.keys()]);
    const finalRows = await stored();
    const counts = new Map<string, number>();
    for (const id of finalRows) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(created.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(devices.reduce((n, d) => n + d.stats.noAnswer, 0)).toBeGreaterThan(0); // some were retried
  }, 150_000);
});
