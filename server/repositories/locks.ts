// Row locks for read-then-write logic. PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks
// and needs none here: one process writes, and Kysely runs its transactions on one connection one
// at a time, so a transaction's read and write cannot interleave with another's.
import { PostgresAdapter, type SelectQueryBuilder } from 'kysely';
import type { Queryable } from './queryable';

export function supportsRowLocks(db: Queryable): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function forUpdateIfSupported<DB, TB extends keyof DB, O>(db: Queryable, qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return supportsRowLocks(db) ? qb.forUpdate() : qb;
}
