// One way to open a write transaction, for every writer (sync, review, notices, seed).
//
// SQLite: Kysely's transaction() sends a plain (DEFERRED) `begin`, which takes the write lock only
// at the first write. A read-then-write transaction can then fail with SQLITE_BUSY half-way, after
// its reads, when another process wrote in between; busy_timeout cannot help there because waiting
// would not make the reads current. `BEGIN IMMEDIATE` takes the write lock up front (waiting up to
// busy_timeout), so the reads and the writes see one state. Kysely has no setting for it, so we hold
// one connection and send begin/commit ourselves.
// PostgreSQL: the default READ COMMITTED is enough; writers of one scope are ordered by the row
// lock on the scope's change counter (server/db/changes.ts), and a row that is read and then
// updated must be locked by the caller with SELECT … FOR UPDATE (PostgreSQL only: on SQLite the
// IMMEDIATE lock already keeps every other writer out).
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';
import type { Dialect } from './connect';

/** What a write transaction hands to its body: a Kysely bound to the transaction's connection. */
export type WriteTrx = Kysely<Database>;

export interface TransactionDeps {
  db: Kysely<Database>;
  dialect: Dialect;
}

/** PostgreSQL errors after which the whole transaction may simply run again. */
const RETRYABLE_PG_CODES = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const MAX_ATTEMPTS = 3;

/**
 * Runs `fn` in a write transaction: BEGIN IMMEDIATE on SQLite, READ COMMITTED on PostgreSQL.
 * Commits when `fn` resolves, rolls back when it throws (and rethrows). On a PostgreSQL deadlock or
 * serialization failure the transaction is retried (up to 3 runs), so `fn` must only touch the
 * database, never send or remember anything outside it.
 */
export async function writeTransaction<T>(deps: TransactionDeps, fn: (trx: WriteTrx) => Promise<T>): Promise<T> {
  if (deps.dialect === 'postgres') {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.db.transaction().execute(fn);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE_PG_CODES.has(pgCode(err))) throw err;
      }
    }
  }
  return deps.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
    try {
      await sql`commit`.execute(conn);
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
    return result;
  });
}

/**
 * Runs `fn` inside a savepoint of the current transaction: if it throws, only its own writes are
 * undone and the error is rethrown; the transaction stays usable (also on PostgreSQL, where an
 * error would otherwise abort the whole transaction).
 */
export async function withSavepoint<T>(trx: WriteTrx, name: string, fn: () => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad savepoint name ${name}`);
  await sql.raw(`savepoint ${name}`).execute(trx);
  try {
    const result = await fn();
    await sql.raw(`release savepoint ${name}`).execute(trx);
    return result;
  } catch (err) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    await sql.raw(`release savepoint ${name}`).execute(trx);
    throw err;
  }
}

async function rollbackQuietly(conn: WriteTrx): Promise<void> {
  // SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR); a second rollback then
  // fails with "no transaction is active", which must not hide the original error.
  await sql`rollback`.execute(conn).catch(() => {});
}

function pgCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}
