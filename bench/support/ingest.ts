// Ingest: entries pushed through POST /api/sync as phones send them (batches of 200, several
// devices at once, each with its own session), and the same rows written by a plain batched
// insert (entries + entry_events + changes, one transaction per batch), for the ratio.
import crypto from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../server/db/schema';
import type { Mutation, SyncResponse } from '../../shared/protocol/sync';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';

export const CLIENT_BATCH = 200; // client/src/sync/runner.ts MAX_PUSH_ITEMS

export interface VillageRoster {
  villageId: string;
  catalogVersionId: string;
  collectorId: string;
  households: { id: string; persons: string[] }[];
}

export async function loadRoster(db: Kysely<Database>, villageId: string, catalogVersionId: string, collectorId: string): Promise<VillageRoster> {
  const hs = await db.selectFrom('households').select('id').where('village_id', '=', villageId).orderBy('id').execute();
  const ps = await db.selectFrom('persons').select(['id', 'household_id']).where('village_id', '=', villageId).where('is_minor', '=', 0).execute();
  const byHousehold = new Map<string, string[]>();
  for (const p of ps) byHousehold.set(p.household_id, [...(byHousehold.get(p.household_id) ?? []), p.id]);
  return {
    villageId, catalogVersionId, collectorId,
    households: hs.map((h) => ({ id: h.id, persons: byHousehold.get(h.id) ?? [] })),
  };
}

// Uncapped indicators a collector records (shared/domain/catalog-default.ts), weighted like
// everyday work: most are small person or household credits, a few deductions.
const KINDS = [
  { code: 'C02', person: false, points: 2, w: 20 }, { code: 'D06', person: false, points: 2, w: 6 },
  { code: 'A02', person: true, points: 2, w: 10 }, { code: 'A03', person: true, points: 5, w: 10 },
  { code: 'C03', person: true, points: 3, w: 10 }, { code: 'A07', person: true, points: 3, w: 5 },
  { code: 'B02', person: true, points: 5, w: 2 }, { code: 'A05', person: false, points: 5, w: 2 },
  { code: 'C04', person: false, points: 5, w: 1 }, { code: 'C08', person: false, points: -3, w: 1 },
] as const;
const NOTES = ['帮助邻居收玉米', '打扫村口卫生', '参加村民会议', '拾到钱包归还失主', '义务巡逻', '照顾孤寡老人'];

/** `n` entry.create mutations of one device, in device order, dated over the last 60 days. */
export function makeEntryMutations(roster: VillageRoster, n: number, now: Date, seed: number): Mutation[] {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
  const total = KINDS.reduce((s, k) => s + k.w, 0);
  const out: Mutation[] = [];
  for (let i = 0; i < n; i++) {
    let r = rnd() * total;
    const kind = KINDS.find((k) => (r -= k.w) < 0) ?? KINDS[0];
    let h = roster.households[Math.floor(rnd() * roster.households.length)];
    if (kind.person) while (h.persons.length === 0) h = roster.households[Math.floor(rnd() * roster.households.length)];
    const occurred = new Date(now.getTime() - Math.floor(rnd() * 60) * 86_400_000 - 86_400_000);
    const entryId = uuidv7();
    // A deduction carries a photo reference (its bytes would travel by PUT /api/evidence, not measured here).
    const evidence = kind.points < 0
      ? [{ hash: crypto.createHash('sha256').update(entryId).digest('hex'), size: 150_000, type: 'image/jpeg', takenAt: occurred.toISOString() }]
      : undefined;
    out.push({
      id: uuidv7(), kind: 'entry.create', deviceSeq: i + 1, at: new Date(now.getTime() - (n - i) * 1000).toISOString(),
      payload: {
        entryId, householdId: h.id, personId: kind.person ? h.persons[Math.floor(rnd() * h.persons.length)] : null,
        catalogVersionId: roster.catalogVersionId, indicatorCode: kind.code, occurredOn: occurred.toISOString().slice(0, 10),
        points: kind.points, note: kind.points < 0 ? '村规民约第5条，照片为证' : rnd() < 0.2 ? NOTES[Math.floor(rnd() * NOTES.length)] : '',
        reverses: null, ...(evidence ? { evidence } : {}),
      },
    });
  }
  return out;
}

export interface DeviceRun { applied: number; other: number; requests: number }

/** A device's batches, each already serialized: building a body is the phone's work, not the server's. */
export type PreparedBatches = string[];

// The simulated phones share the machine's two cores with the server, so they should take as
// little of them as possible: plain node:http with keep-alive (fetch costs several times more per
// request) and bodies serialized before the clock starts. Only the cursors are added per request.
const agent = new http.Agent({ keepAlive: true });

/**
 * One phone: pulls once to get its cursors, then pushes its mutations in batches, with its
 * cursors, reading every answer as the phone does (gunzip, JSON, results, new cursors).
 */
export class BenchDevice {
  readonly deviceId = uuidv7();
  cursors: Record<string, number> = {};
  /** `url`: the server it syncs with (a benchmark that restarts its server points it at the new one). */
  constructor(public url: string, private readonly cookie: string) {}

  /** Splits mutations into batches of `batch` and serializes each (untimed by the caller). */
  prepare(mutations: Mutation[], batch = CLIENT_BATCH): PreparedBatches {
    const out: PreparedBatches = [];
    for (let i = 0; i < mutations.length; i += batch) out.push(JSON.stringify(mutations.slice(i, i + batch)));
    return out;
  }

  /** One POST /api/sync with already serialized mutations ('[]' for a pull only). */
  async sync(mutationsJson = '[]'): Promise<SyncResponse> {
    const body = `{"protocol":${PROTOCOL_VERSION},"schema":${SCHEMA_VERSION},"deviceId":"${this.deviceId}",` +
      `"cursors":${JSON.stringify(this.cursors)},"mutations":${mutationsJson}}`;
    const { status, text } = await this.post(body);
    if (status !== 200) throw new Error(`sync answered ${status}: ${text}`);
    const answer = JSON.parse(text) as SyncResponse;
    for (const page of answer.changes) this.cursors[page.scope] = page.cursor;
    return answer;
  }

  /** Pulls until nothing is left (the phone's bootstrap). */
  async catchUp(): Promise<void> {
    while ((await this.sync()).hasMore);
  }

  async push(batches: PreparedBatches): Promise<DeviceRun> {
    const run: DeviceRun = { applied: 0, other: 0, requests: 0 };
    for (const batch of batches) {
      const answer = await this.sync(batch);
      run.requests++;
      for (const r of answer.results) if (r.status === 'applied') run.applied++; else run.other++;
      while (answer.hasMore && (await this.sync()).hasMore) run.requests++;
    }
    return run;
  }

  private post(body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}/api/sync`, {
        method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: this.cookie, 'accept-encoding': 'gzip' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = (res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** The rows the server writes for an applied entry.create (entries, entry_events, changes). */
export interface RawEntryRows { entry: unknown[]; event: unknown[]; entryId: string; scope: string }

export function rawRowsOf(m: Mutation, roster: VillageRoster, deviceId: string, receivedAt: string): RawEntryRows {
  if (m.kind !== 'entry.create') throw new Error('entry.create only');
  const p = m.payload;
  const contentHash = crypto.createHash('sha256').update(canonicalJson(p)).digest('hex');
  return {
    entryId: p.entryId,
    scope: `village:${roster.villageId}`,
    entry: [
      p.entryId, roster.villageId, p.householdId, p.personId, p.catalogVersionId, p.indicatorCode, p.occurredOn, p.points,
      p.note, roster.collectorId, deviceId, m.deviceSeq, 'submitted', p.reverses, null, contentHash, m.at, receivedAt, receivedAt,
    ],
    event: [uuidv7(), p.entryId, roster.villageId, null, 'submitted', roster.collectorId, '', receivedAt],
  };
}

const ENTRY_COLS = 'id, village_id, household_id, person_id, catalog_version_id, indicator_code, occurred_on, points, note, recorder_id, device_id, device_seq, state, reverses, notice_id, content_hash, client_created_at, created_at, updated_at';
const EVENT_COLS = 'id, entry_id, village_id, from_state, to_state, actor_id, reason, at';
const tuples = (rows: number, cols: number) => Array.from({ length: rows }, () => `(${new Array(cols).fill('?').join(', ')})`).join(', ');

/**
 * The same rows, one transaction per batch (BEGIN IMMEDIATE … COMMIT, as the server's writes):
 * the scope counter bumped once, then one multi-row INSERT each into entries, entry_events and
 * changes. No reads, no rules, no idempotency record: the ceiling the endpoint is compared with.
 */
export async function rawInsert(db: Kysely<Database>, batches: RawEntryRows[][]): Promise<void> {
  for (const batch of batches) {
    await db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      const scope = batch[0].scope;
      const villageId = scope.slice('village:'.length);
      const r = await conn.executeQuery<{ change_seq: number }>(CompiledQuery.raw(
        'update villages set change_seq = change_seq + ? where id = ? returning change_seq', [batch.length, villageId]));
      const first = Number(r.rows[0].change_seq) - batch.length + 1;
      await conn.executeQuery(CompiledQuery.raw(`insert into entries (${ENTRY_COLS}) values ${tuples(batch.length, 19)}`, batch.flatMap((b) => b.entry)));
      await conn.executeQuery(CompiledQuery.raw(`insert into entry_events (${EVENT_COLS}) values ${tuples(batch.length, 8)}`, batch.flatMap((b) => b.event)));
      await conn.executeQuery(CompiledQuery.raw(
        `insert into changes (entity, entity_id, scope, seq, op) values ${tuples(batch.length, 5)} on conflict (entity, entity_id) do update set seq = excluded.seq, scope = excluded.scope, op = excluded.op`,
        batch.flatMap((b, i) => ['entry', b.entryId, scope, first + i, 'upsert'])));
      await sql`commit`.execute(conn);
    });
  }
}

/**
 * The same rows, one INSERT statement per row (still one transaction per batch): how a plain
 * loop over the rows would write them. Reported next to the multi-row insert, for scale only.
 */
export async function rawInsertRowwise(db: Kysely<Database>, batches: RawEntryRows[][]): Promise<void> {
  const entrySql = `insert into entries (${ENTRY_COLS}) values ${tuples(1, 19)}`;
  const eventSql = `insert into entry_events (${EVENT_COLS}) values ${tuples(1, 8)}`;
  const changeSql = 'insert into changes (entity, entity_id, scope, seq, op) values (?, ?, ?, ?, ?) on conflict (entity, entity_id) do update set seq = excluded.seq, scope = excluded.scope, op = excluded.op';
  for (const batch of batches) {
    await db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      const scope = batch[0].scope;
      const r = await conn.executeQuery<{ change_seq: number }>(CompiledQuery.raw(
        'update villages set change_seq = change_seq + ? where id = ? returning change_seq', [batch.length, scope.slice('village:'.length)]));
      const first = Number(r.rows[0].change_seq) - batch.length + 1;
      for (const [i, b] of batch.entries()) {
        await conn.executeQuery(CompiledQuery.raw(entrySql, b.entry));
        await conn.executeQuery(CompiledQuery.raw(eventSql, b.event));
        await conn.executeQuery(CompiledQuery.raw(changeSql, ['entry', b.entryId, scope, first + i, 'upsert']));
      }
      await sql`commit`.execute(conn);
    });
  }
}
