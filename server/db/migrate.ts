// Runs the migrations in migrations/ up to the latest. Called at start and by `npm run migrate`.
//
// Several processes may start at once on one PostgreSQL (docs/scale-out.md): the whole migration,
// including the creation of Kysely's own bookkeeping tables (which Kysely does before its lock, and
// which two fresh starts could race on), runs under one session advisory lock held on one
// connection, so exactly one process migrates and the others then find the database current.
// SQLite needs none: the migrator's transaction takes the file's write lock.
import { Migrator, PostgresAdapter, sql, type Kysely, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from '../../migrations/index';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** pg_advisory_lock key of the migration (any constant bigint; "cunxin" "migr"). */
export const MIGRATION_LOCK_KEY = 0x63756e78696e_01n;

async function migrateWith(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return migrateWith(db);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    try {
      return await migrateWith(conn);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    }
  });
}
