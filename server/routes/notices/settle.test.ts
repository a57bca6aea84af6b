// Settlement of ended notice windows at scale and under concurrency: the queries use indexes
// (EXPLAIN QUERY PLAN / EXPLAIN), several settlers on one database settle each notice once, and the
// background settler drains a backlog in bounded steps without anyone waiting for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, type Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { openDatabase } from '../../db/connect';
import type { Database } from '../../db/schema';
import { claimDueNoticeQuery, dueNoticesQuery } from '../../repositories/notices';
import { entryIdsOfNoticeQuery } from '../../repositories/entries';
import { settleAllDue, settleDue } from './settle';
import { freePort, REPO_ROOT, spawnServerProcess } from '../../test/processes';

const DAY = 24 * 3600 * 1000;

/** Due notices in V1 with `perNotice` publicized entries each (inserted directly, in bulk). */
async function addDueNotices(fx: Fixture, count: number, perNotice: number): Promise<string[]> {
  const now = fx.deps.now().getTime();
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = uuidv7();
    ids.push(id);
    await fx.deps.db.insertInto('notices').values({
      id, village_id: fx.ids.v1, starts_at: new Date(now - 8 * DAY).toISOString(), ends_at: new Date(now - DAY + n).toISOString(),
      status: 'open', created_by: fx.ids.users.committee, created_at: new Date(now - 8 * DAY).toISOString(),
    }).execute();
    const at = new Date(now).toISOString();
    await fx.deps.db.insertInto('entries').values(Array.from({ length: perNotice }, () => {
      const e = uuidv7();
      return {
        id: e, village_id: fx.ids.v1, household_id: fx.ids.h1, person_id: null, catalog_version_id: fx.ids.cv1, indicator_code: 'B02',
        occurred_on: at.slice(0, 10), points: 1, note: '', recorder_id: fx.ids.users.collector, device_id: 'd', device_seq: 0,
        state: 'publicized', reverses: null, notice_id: id, content_hash: e, client_created_at: at, created_at: at, updated_at: at,
      };
    })).execute();
  }
  return ids;
}

async function effectiveEventsPerEntry(db: Kysely<Database>, noticeIds: string[]): Promise<number[]> {
  const rows = await db.selectFrom('entry_events').innerJoin('entries', 'entries.id', 'entry_events.entry_id')
    .select((eb) => ['entry_events.entry_id', eb.fn.countAll<number>().as('n')])
    .where('entries.notice_id', 'in', noticeIds).where('entry_events.to_state', '=', 'effective')
    .groupBy('entry_events.entry_id').execute();
  return rows.map((r) => Number(r.n));
}

describe.each(await testDialects())('settlement on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  /** The plan of a compiled query, as one string. PostgreSQL: seq scans off, so a missing index shows as "Seq Scan". */
  const plan = async (q: CompiledQuery): Promise<string> => fx.deps.db.connection().execute(async (conn) => {
    if (dialect === 'sqlite') {
      const r = await conn.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
      return r.rows.map((x) => x.detail).join('\n');
    }
    await conn.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
    try {
      const r = await conn.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    } finally {
      await conn.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
    }
  });
  const expectIndexed = (p: string, table: string, index: RegExp) => {
    if (dialect === 'sqlite') {
      expect(p, p).not.toMatch(new RegExp(`SCAN ${table}\\b`));
      expect(p, p).toMatch(index);
    } else {
      expect(p, p).not.toMatch(/Seq Scan/);
      expect(p, p).toMatch(index);
    }
  };

  it('the settlement queries use indexes (EXPLAIN)', async () => {
    const at = fx.deps.now().toISOString();
    expectIndexed(await plan(dueNoticesQuery(fx.deps.db, at, { limit: 20 }).compile()), 'notices', /notices_status_ends/);
    expectIndexed(await plan(dueNoticesQuery(fx.deps.db, at, { villageId: fx.ids.v1 }).compile()), 'notices', /notices_(status_ends|village)/);
    expectIndexed(await plan(claimDueNoticeQuery(fx.deps.db, 'n', at).compile()), 'notices', dialect === 'sqlite' ? /USING INDEX sqlite_autoindex_notices_1|USING PRIMARY KEY/ : /notices_pkey|notices_status_ends/);
    expectIndexed(await plan(entryIdsOfNoticeQuery(fx.deps.db, 'n', 'publicized').compile()), 'entries', /entries_notice_state/);
  });

  it('drains a backlog of ended windows in bounded steps, one notice per transaction', async () => {
    const ids = await addDueNotices(fx, 7, 30);
    const first = await settleDue(fx.deps, fx.deps.now(), { limit: 3 });
    expect(first).toEqual({ notices: 3, entries: 90, more: true });
    const rest = await settleDue(fx.deps, fx.deps.now(), { limit: 10 });
    expect(rest).toEqual({ notices: 4, entries: 120, more: false });
    expect(await effectiveEventsPerEntry(fx.deps.db, ids)).toEqual(Array(210).fill(1));
    // Each became effective with a change row, so phones pull it.
    const changes = await fx.deps.db.selectFrom('changes').innerJoin('entries', 'entries.id', 'changes.entity_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('changes.entity', '=', 'entry').where('entries.notice_id', 'in', ids).executeTakeFirstOrThrow();
    expect(Number(changes.n)).toBe(210);
  });

  it('the settlement job settles batch after batch until nothing is due', async () => {
    const ids = await addDueNotices(fx, 5, 4);
    expect((await fx.deps.db.selectFrom('notices').select('status').where('id', '=', ids[0]).executeTakeFirstOrThrow()).status).toBe('open');
    // Batches of 2: 2 + 2 + 1 notices, each in its own transaction, in one run of the job.
    expect(await settleAllDue(fx.deps, fx.deps.now(), 2)).toBe(20);
    expect(await effectiveEventsPerEntry(fx.deps.db, ids)).toEqual(Array(20).fill(1));
    expect(await settleAllDue(fx.deps, fx.deps.now(), 2)).toBe(0);
  });

  it.runIf(dialect === 'postgres')('two connections settling at once settle each notice exactly once', async () => {
    const ids = await addDueNotices(fx, 24, 15);
    const other = openDatabase({ databaseUrl: fx.database.databaseUrl, sqlitePath: '' });
    try {
      const a = { db: fx.deps.db, dialect: fx.dialect };
      const b = { db: other.db, dialect: other.dialect };
      const results = await Promise.all([settleDue(a, fx.deps.now()), settleDue(b, fx.deps.now()), settleDue(a, fx.deps.now()), settleDue(b, fx.deps.now())]);
      expect(results.reduce((s, r) => s + r.notices, 0)).toBe(24);
      expect(results.reduce((s, r) => s + r.entries, 0)).toBe(24 * 15);
      expect(await effectiveEventsPerEntry(fx.deps.db, ids)).toEqual(Array(24 * 15).fill(1));
    } finally {
      await other.close();
    }
  });

  it.runIf(dialect === 'postgres')('two server processes on one PostgreSQL settle each notice exactly once', async () => {
    const ids = await addDueNotices(fx, 30, 10);
    // The notices ended a day before the fixture's clock; the workers run on the real clock (later).
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-settle-'));
    const env = { DATABASE_URL: fx.database.databaseUrl!, DATA_DIR: dataDir, SETTLE_BATCH: '3' };
    const entry = path.join(REPO_ROOT, 'server', 'test', 'settle-worker.ts');
    try {
      const workers = [spawnServerProcess({ port: await freePort(), entry, env, readyPattern: /is running/ }), spawnServerProcess({ port: await freePort(), entry, env, readyPattern: /is running/ })];
      const exits = await Promise.all(workers.map((w) => w.proc.exited));
      expect(exits.map((e) => e.code), workers.map((w) => w.proc.output()).join('\n')).toEqual([0, 0]);
      const reports = workers.map((w) => JSON.parse(w.proc.output().trim().split('\n').pop()!) as { notices: number; entries: number });
      expect(reports.reduce((s, r) => s + r.notices, 0)).toBe(30);
      expect(reports.reduce((s, r) => s + r.entries, 0)).toBe(300);
      expect(await effectiveEventsPerEntry(fx.deps.db, ids)).toEqual(Array(300).fill(1));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
