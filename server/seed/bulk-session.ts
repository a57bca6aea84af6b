// A bulk-load session per dialect: the writer plus everything around it that makes a big load
// fast and leaves the database exactly as the migrations define it afterwards.
// - Secondary indexes of the big tables are dropped first and rebuilt at the end from their own
//   stored definitions (building an index sorts once; inserting at random positions row by row
//   into several indexes costs several times more).
// - SQLite: no fsync, journal in memory, foreign keys checked once at the end; then back to WAL.
// - PostgreSQL: keys and foreign keys of the big tables are dropped and re-added too (a sort
//   instead of random index inserts, one validating join instead of a trigger per row). All of
//   it in ONE transaction, DDL included, so a failure or a crash rolls back to the empty state.
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { postgresCopyWriter, sqliteStatementWriter, type BlockWriter } from './bulk';

export interface BulkSession {
  writer: BlockWriter;
  /** A good moment to commit (SQLite: bounds the in-memory journal); a no-op where not needed. */
  checkpoint(): Promise<void>;
  /** Rebuilds indexes and constraints, checks them, commits. */
  finish(log: (line: string) => void): Promise<void>;
  /** Rolls back what can be, and restores the database settings. Safe after finish(). */
  close(): Promise<void>;
}

/** Tables that get millions of rows; only their secondary indexes and foreign keys are deferred. */
const BULK_TABLES = ['households', 'persons', 'notices', 'entries', 'entry_events', 'changes', 'user_villages'] as const;

interface Deferred { name: string; restore: string }

/**
 * SQLite, on a connection of its own: journal_mode can only leave WAL when no other connection
 * is open, so the caller closes its Kysely handle first. A crash mid-load can leave a damaged
 * file (no journal on disk); the seed's --reset deletes it.
 */
export function openSqliteBulkSession(file: string): BulkSession {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = MEMORY');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -1000000'); // ~1 GB page cache: the unique indexes stay hot
  sqlite.pragma('temp_store = MEMORY');
  let deferred: Deferred[] = sqliteSecondaryIndexes(sqlite);
  for (const d of deferred) sqlite.exec(`drop index "${d.name}"`);
  sqlite.exec('begin');
  let closed = false;
  return {
    writer: sqliteStatementWriter(sqlite),
    async checkpoint() {
      sqlite.exec('commit');
      sqlite.exec('begin');
    },
    async finish(log) {
      sqlite.exec('commit');
      log(`[seed] building ${deferred.length} indexes …`);
      for (const d of deferred) sqlite.exec(d.restore);
      deferred = [];
      log('[seed] checking foreign keys …');
      const broken = sqlite.prepare('pragma foreign_key_check').all();
      if (broken.length > 0) throw new Error(`foreign key check failed: ${JSON.stringify(broken.slice(0, 5))}`);
      sqlite.pragma('analysis_limit = 1000'); // sampled statistics: seconds, not minutes, on a big file
      sqlite.exec('analyze');
    },
    async close() {
      if (closed) return;
      closed = true;
      if (sqlite.inTransaction) sqlite.exec('rollback');
      for (const d of deferred) sqlite.exec(d.restore);
      // Back to the server's settings (connect.ts); WAL is persistent, the rest is per connection.
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.close();
    },
  };
}

/** Named, non-unique indexes of the bulk tables, with their exact CREATE statements. */
function sqliteSecondaryIndexes(sqlite: SQLite.Database): Deferred[] {
  const rows = sqlite
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null
      and sql not like 'CREATE UNIQUE%' and tbl_name in (${BULK_TABLES.map(() => '?').join(', ')})`)
    .all(...BULK_TABLES) as { name: string; sql: string }[];
  return rows.map((r) => ({ name: r.name, restore: r.sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS ') }));
}

/**
 * PostgreSQL, on a connection of its own (COPY needs the raw client). The bulk tables lose all
 * their indexes and constraints for the load — primary keys and unique constraints too, since
 * a unique index that outgrows shared_buffers makes every insert a random read — and get them
 * back at the end: unique indexes built by sorting, then foreign keys validated in one join each.
 * All of it in one transaction, DDL included: a failure or crash leaves the empty, migrated
 * database as it was. Duplicate keys would fail the re-added constraints, and so the seed.
 */
export async function openPostgresBulkSession(databaseUrl: string): Promise<BulkSession> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const exec = (text: string, params: unknown[] = []) => client.query(text, params);
  let open = false;
  try {
    await exec('begin');
    open = true;
    await exec(`set local maintenance_work_mem = '256MB'`);
    // Foreign keys from or to a bulk table (a key referencing a primary key blocks dropping it).
    const constraints = (await exec(
      `select cl.relname as tbl, c.conname as name, c.contype as kind, pg_get_constraintdef(c.oid) as def
       from pg_constraint c join pg_class cl on cl.oid = c.conrelid join pg_namespace n on n.oid = cl.relnamespace
       left join pg_class ref on ref.oid = c.confrelid
       where n.nspname = current_schema()
         and ((c.contype = 'f' and (cl.relname = any($1) or ref.relname = any($1)))
           or (c.contype in ('p', 'u') and cl.relname = any($1)))
       order by case c.contype when 'f' then 0 else 1 end`,
      [[...BULK_TABLES]],
    )).rows as { tbl: string; name: string; kind: 'f' | 'p' | 'u'; def: string }[];
    const indexes = (await exec(
      `select i.indexname as name, i.indexdef as def from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = any($1)
         and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
      [[...BULK_TABLES]],
    )).rows as { name: string; def: string }[];
    for (const c of constraints) await exec(`alter table "${c.tbl}" drop constraint "${c.name}"`);
    for (const i of indexes) await exec(`drop index "${i.name}"`);
    const addConstraint = (c: (typeof constraints)[number]) => `alter table "${c.tbl}" add constraint "${c.name}" ${c.def}`;
    // Truncating the (empty) bulk tables in this transaction is what allows COPY … FREEZE.
    const frozen = new Set<string>();
    for (const t of BULK_TABLES) {
      if ((await exec(`select exists (select 1 from "${t}") as used`)).rows[0].used) continue;
      await exec(`truncate "${t}"`);
      frozen.add(t);
    }
    const keys = constraints.filter((c) => c.kind !== 'f');
    const fks = constraints.filter((c) => c.kind === 'f');
    const restore = [...keys.map(addConstraint), ...indexes.map((i) => i.def), ...fks.map(addConstraint)];
    let closed = false;
    return {
      writer: postgresCopyWriter(client, frozen),
      async checkpoint() {},
      async finish(log) {
        log(`[seed] building ${keys.length} keys and ${indexes.length} indexes, validating ${fks.length} foreign keys …`);
        for (const r of restore) await exec(r);
        await exec('commit');
        open = false;
        log('[seed] analyze …');
        await exec('analyze');
      },
      async close() {
        if (closed) return;
        closed = true;
        if (open) await exec('rollback').catch(() => {});
        await client.end();
      },
    };
  } catch (err) {
    if (open) await exec('rollback').catch(() => {});
    await client.end();
    throw err;
  }
}
