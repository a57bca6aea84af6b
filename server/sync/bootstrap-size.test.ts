// The bootstrap budget of issue 3: a village of 500 households and 20,000 entries reaches a new
// phone in at most 0.6 MB of gzip on the wire (all pages), through the real application, and a
// bootstrap killed half-way continues from the last stored cursor. SQLite only (the encoding does
// not depend on the database; the time does not matter here).
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createFixture, type Fixture } from '../test/fixtures';
import { openSession } from '../auth/login';
import { sessionCookieName } from '../auth/session-token';
import { seedVillageForBench, type BenchVillage } from '../seed/bench';
import {
  DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION, type PulledEntity, type SyncResponse,
} from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { loadPulledRows } from '../repositories/pulled-rows';

/** 0.6 MB, counted in decimal bytes (the stricter reading of "MB"). */
const BUDGET_BYTES = 600_000;

interface Page { status: number; wireBytes: number; gzip: boolean; json: SyncResponse }

describe('bootstrap of a 500-household, 20,000-entry village on sqlite', () => {
  let fx: Fixture;
  let bench: BenchVillage;
  let cookie: string;

  beforeAll(async () => {
    fx = await createFixture('sqlite');
    fx.clock.set(new Date('2026-11-28T12:00:00Z'));
    bench = await seedVillageForBench(fx.deps, { households: 500, entries: 20_000, seed: 7 });
    cookie = `${sessionCookieName(fx.deps.config)}=${await openSession(fx.deps, bench.collector.userId)}`;
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** One POST /api/sync as a browser sends it (Accept-Encoding: gzip), with the bytes as sent. */
  async function pull(cursors: Record<string, number>): Promise<Page> {
    const res = await fx.app.request('/api/sync', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, deflate, br', cookie },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: '0190a000-0000-7000-8000-0000000000aa', mutations: [], cursors }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const gzip = res.headers.get('content-encoding') === 'gzip';
    const text = (gzip ? zlib.gunzipSync(body) : body).toString('utf8');
    return { status: res.status, wireBytes: body.byteLength, gzip, json: JSON.parse(text) as SyncResponse };
  }

  /** A phone: stores each page's rows and cursor together; `stopAfter` pages simulates a kill. */
  async function bootstrap(phone: { cursors: Record<string, number>; rows: Map<string, unknown> }, stopAfter = Infinity) {
    let pages = 0;
    let wireBytes = 0;
    for (;;) {
      if (pages >= stopAfter) return { pages, wireBytes, done: false };
      const page = await pull(phone.cursors);
      expect(page.status).toBe(200);
      pages++;
      wireBytes += page.wireBytes;
      if (page.wireBytes >= 1024) expect(page.gzip).toBe(true);
      for (const c of page.json.changes) {
        for (const [entity, table] of Object.entries(c.tables)) {
          for (const row of decodeRows(entity as PulledEntity, table)) phone.rows.set(`${entity}:${row.id}`, row);
        }
        for (const d of c.deleted) phone.rows.delete(`${d.entity}:${d.id}`);
        phone.cursors[c.scope] = c.cursor;
      }
      if (!page.json.hasMore) return { pages, wireBytes, done: true };
    }
  }

  it(`arrives in at most ${BUDGET_BYTES.toLocaleString('en-US')} bytes of gzip, every row exact`, async () => {
    const phone = { cursors: {} as Record<string, number>, rows: new Map<string, unknown>() };
    const run = await bootstrap(phone);
    console.log(`bootstrap: ${run.wireBytes} bytes of gzip in ${run.pages} answers (limit ${DEFAULT_PULL_LIMIT} rows each)`);
    expect(run.done).toBe(true);
    expect(run.wireBytes).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(run.pages).toBeLessThanOrEqual(6);

    const count = (entity: string) => [...phone.rows.keys()].filter((k) => k.startsWith(`${entity}:`)).length;
    expect(count('entry')).toBe(20_000);
    expect(count('household')).toBe(500);
    expect(count('person')).toBe(bench.counts.persons);
    expect(count('indicator')).toBeGreaterThan(20);
    for (const s of bench.scopes) expect(phone.cursors[s.scope]).toBe(s.seq);

    // The decoded rows are exactly what the server holds (the encoding loses nothing).
    const ids = (await sql<{ id: string }>`select id from entries where village_id = ${bench.villageId}`.execute(fx.deps.db)).rows.map((r) => r.id);
    const server = await loadPulledRows(fx.deps.db, 'entry', ids);
    for (const id of ids) expect(phone.rows.get(`entry:${id}`)).toEqual(server.get(id)!.dto);
    const persons = (await sql<{ id: string }>`select id from persons where village_id = ${bench.villageId}`.execute(fx.deps.db)).rows.map((r) => r.id);
    const serverPersons = await loadPulledRows(fx.deps.db, 'person', persons);
    for (const id of persons) expect(phone.rows.get(`person:${id}`)).toEqual(serverPersons.get(id)!.dto);
  }, 120_000);

  it('continues a killed bootstrap from the last stored cursor, and ends with the same rows', async () => {
    const full = { cursors: {} as Record<string, number>, rows: new Map<string, unknown>() };
    await bootstrap(full);

    const phone = { cursors: {} as Record<string, number>, rows: new Map<string, unknown>() };
    const first = await bootstrap(phone, 2);
    expect(first.done).toBe(false);
    // Killed after two stored pages: what it holds is a prefix, its cursors say where it stopped.
    const held = phone.rows.size;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(full.rows.size);
    const rest = await bootstrap(phone);
    expect(rest.done).toBe(true);
    expect(phone.cursors).toEqual(full.cursors);
    expect([...phone.rows.keys()].sort()).toEqual([...full.rows.keys()].sort());
    expect(first.pages + rest.pages).toBeLessThanOrEqual(7);
  }, 120_000);
});
