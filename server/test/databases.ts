// Test databases: every server test runs on SQLite and on PostgreSQL.
// PostgreSQL: TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. Each call makes a
// throw-away database on that server. Without a reachable server the PostgreSQL runs are skipped
// with a loud message, except in CI (CI=true), where that is a failure.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { openDatabase, type Db, type Dialect } from '../db/connect';
import { migrateToLatest } from '../db/migrate';

export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let kindsPromise: Promise<Dialect[]> | null = null;

/** The dialects to test on here: ['sqlite', 'postgres'], or ['sqlite'] with a warning. */
export function testDialects(): Promise<Dialect[]> {
  kindsPromise ??= (async () => {
    if (await postgresReachable()) return ['sqlite', 'postgres'] as Dialect[];
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI but not reachable at ${PG_ADMIN_URL}`);
    console.warn(`\n*** PostgreSQL not reachable at ${PG_ADMIN_URL}: PostgreSQL tests SKIPPED ***\n`);
    return ['sqlite'] as Dialect[];
  })();
  return kindsPromise;
}

export interface TestDatabase extends Db {
  /** Connection settings, so a second process (a real server) can open the same database. */
  databaseUrl: string | null;
  sqlitePath: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated, empty database of the given dialect. */
export async function createTestDatabase(dialect: Dialect, opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const suffix = crypto.randomBytes(6).toString('hex');
  if (dialect === 'postgres') {
    const name = `cx_test_${suffix}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const databaseUrl = withDatabase(PG_ADMIN_URL, name);
    const opened = openDatabase({ databaseUrl, sqlitePath: '', poolSize: opts.poolSize });
    await migrateToLatest(opened.db);
    return {
      ...opened,
      databaseUrl,
      sqlitePath: '',
      async drop() {
        await opened.close();
        const a = new pg.Client({ connectionString: PG_ADMIN_URL });
        await a.connect();
        // The pool's end() resolves before the server has seen every connection close. Dropping
        // WITH (FORCE) meanwhile terminates them, and a closing client reports that as an
        // uncaught error in whatever test runs next: wait (up to 2 s) until they are gone.
        await waitForNoConnections(a, name);
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-test-'));
  const sqlitePath = path.join(dir, 'test.sqlite');
  const opened = openDatabase({ databaseUrl: null, sqlitePath });
  await migrateToLatest(opened.db);
  return {
    ...opened,
    databaseUrl: null,
    sqlitePath,
    async drop() {
      await opened.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (up to 2 s) until the server has no connection to database `name` left. */
async function waitForNoConnections(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh PostgreSQL database with nothing in it (not migrated): for servers that start on it. */
export async function createEmptyPostgresDatabase(): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const name = `cx_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    databaseUrl: withDatabase(PG_ADMIN_URL, name),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      // As in createPostgres's drop: the caller's pools have ended, but the server may not have seen
      // every connection close; a forced drop meanwhile terminates them, and the closing client
      // reports it as an uncaught error. Wait (up to 2 s) until they are gone.
      await waitForNoConnections(a, name);
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
