// The scale seed through its command-line front end (scripts/seed.ts) on SQLite and PostgreSQL:
// right counts, a complete change log, indexes and foreign keys as the migrations define them,
// refusal to seed over data, --reset, and the same data on every run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { openDatabase, type Db } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { verifySecret } from '../auth/password';
import { parseSeedArgs } from '../../scripts/seed';
import { seedScale, type ScaleResult } from './scale';
import { changeLogProblems, clearIdNumberColumns } from './check';

const ARGS = ['--villages', '3', '--households', '20', '--entries', '100', '--villages-per-township', '2'];
const NOW = new Date('2026-11-28T20:00:00.000Z');

/** Index names per table, as the database reports them (to compare before and after a seed). */
async function indexNames(db: Db): Promise<string[]> {
  const q = db.dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'index' order by name`
    : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() order by indexname`;
  return (await q.execute(db.db)).rows.map((r) => r.name);
}

async function foreignKeys(db: Db): Promise<string[]> {
  if (db.dialect === 'sqlite') return [];
  const { rows } = await sql<{ name: string }>`select conname as name from pg_constraint where contype = 'f' order by conname`.execute(db.db);
  return rows.map((r) => r.name);
}

async function count(db: Kysely<Database>, table: string, where = sql`1 = 1`): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db);
  return Number(rows[0].n);
}

describe.each(await testDialects())('scale seed on %s', (dialect) => {
  let dataDir: string;
  let target: TestDatabase | null = null;
  let db: Db;
  let result: ScaleResult;
  let indexesBefore: string[];
  let fksBefore: string[];
  let args: string[];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-seed-'));
    if (dialect === 'postgres') {
      target = await createTestDatabase('postgres');
      args = [...ARGS, '--data-dir', dataDir, '--database-url', target.databaseUrl!];
    } else {
      args = [...ARGS, '--data-dir', dataDir];
    }
    const opts = parseSeedArgs(args, {});
    // The migrated, empty schema, to compare with what the bulk load leaves behind.
    const empty = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath });
    await migrateToLatest(empty.db);
    indexesBefore = await indexNames(empty);
    fksBefore = await foreignKeys(empty);
    await empty.close();
    result = await seedScale({ ...opts, now: NOW, log: () => {} });
    db = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await target?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(`${dataDir}-keys`, { recursive: true, force: true }); // the PII key lives beside the data, not in it
  });

  it('parses sizes per village and the database options', () => {
    const o = parseSeedArgs(['--villages', '7', '--households', '8', '--entries', '9', '--reset', '--data-dir', '/tmp/x'], {});
    expect(o).toMatchObject({ villages: 7, households: 8, entries: 9, reset: true, databaseUrl: null, sqlitePath: '/tmp/x/cunxin.sqlite' });
    expect(parseSeedArgs(['--pingdu'], {})).toMatchObject({ villages: 1788, households: 177, entries: 3636 });
    expect(parseSeedArgs(['--database-url', 'postgres://h/db'], {}).databaseUrl).toBe('postgres://h/db');
    expect(() => parseSeedArgs(['--villages', 'many'], {})).toThrow(/villages/);
    expect(() => parseSeedArgs(['--bogus'], {})).toThrow();
  });

  it('writes N villages × M households × K entries', async () => {
    expect(result).toMatchObject({ townships: 2, villages: 3, households: 60, entries: 300 });
    expect(await count(db.db, 'townships')).toBe(2);
    expect(await count(db.db, 'villages')).toBe(3);
    expect(await count(db.db, 'households')).toBe(60);
    expect(await count(db.db, 'entries')).toBe(300);
    expect(await count(db.db, 'persons')).toBe(result.persons);
    expect(await count(db.db, 'entry_events')).toBe(result.events);
    expect(await count(db.db, 'indicators')).toBe(2 * (await count(db.db, 'indicators', sql`catalog_version_id = (select min(id) from catalog_versions)`)));
    // Per village: a collector and two committee members; plus the admin and one staff per township.
    expect(await count(db.db, 'users')).toBe(3 * 3 + 1 + 2);
    expect(result.users).toBe(12);
    expect(result.rows).toBeGreaterThan(300 + 60 + result.events);
    for (const v of await db.db.selectFrom('villages').select('id').execute()) {
      expect(await count(db.db, 'households', sql`village_id = ${v.id}`)).toBe(20);
      expect(await count(db.db, 'entries', sql`village_id = ${v.id}`)).toBe(100);
      expect(await count(db.db, 'user_villages', sql`village_id = ${v.id}`)).toBe(3 + 1 + 1);
    }
  });

  it('keeps the change log complete and the counters at the max seq', async () => {
    expect(await changeLogProblems(db.db)).toEqual([]);
  });

  it('seals the sampled ID numbers and stores none in clear', async () => {
    expect(await clearIdNumberColumns(db.db)).toEqual([]);
    const sealed = await count(db.db, 'persons', sql`id_cipher is not null`);
    const adults = await count(db.db, 'persons', sql`is_minor = 0`);
    expect(sealed).toBeGreaterThan(0);
    expect(sealed).toBeLessThan(adults);
  });

  it('leaves the indexes and foreign keys exactly as the migrations define them, with no dangling reference', async () => {
    expect(await indexNames(db)).toEqual(indexesBefore);
    expect(await foreignKeys(db)).toEqual(fksBefore);
    if (dialect === 'sqlite') {
      expect((await sql`pragma foreign_key_check`.execute(db.db)).rows).toEqual([]);
      expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.db)).rows[0].journal_mode).toBe('wal');
    }
    const dangling = await count(db.db, 'entry_events', sql`entry_id not in (select id from entries)`);
    expect(dangling).toBe(0);
  });

  it('lets the printed logins in with the one password', async () => {
    for (const l of result.logins) {
      const u = await db.db.selectFrom('users').select(['password_hash', 'role']).where('username', '=', l.username).executeTakeFirstOrThrow();
      expect(await verifySecret(u.password_hash, l.password)).toBe(true);
    }
  });

  it('refuses to seed over data; --reset writes the same data again, whichever thread generates it', async () => {
    const snapshot = async () => ({
      persons: await db.db.selectFrom('persons').select(['id', 'name', 'id_hash', 'id_last4', 'phone']).orderBy('id').execute(),
      entries: await db.db.selectFrom('entries').selectAll().orderBy('id').execute(),
      events: await db.db.selectFrom('entry_events').selectAll().orderBy('id').execute(),
      changes: await db.db.selectFrom('changes').selectAll().orderBy('scope').orderBy('seq').execute(),
    });
    const before = await snapshot();
    const opts = parseSeedArgs(args, {});
    await db.close();
    await expect(seedScale({ ...opts, now: NOW, log: () => {} })).rejects.toThrow(/--reset/);
    // The first run used the dialect's default; this one the other way of generating.
    const other = result.generator === 'worker' ? '--no-worker' : '--worker';
    const again = await seedScale({ ...parseSeedArgs([...args, '--reset', other], {}), now: NOW, log: () => {} });
    expect(again).toMatchObject({ villages: 3, households: 60, entries: 300, persons: result.persons });
    expect([result.generator, again.generator].sort()).toEqual(['inline', 'worker']);
    db = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath });
    expect(await snapshot()).toEqual(before);
    expect(await changeLogProblems(db.db)).toEqual([]);
  }, 120_000);
});
