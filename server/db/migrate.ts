// Runs the migrations in migrations/ up to the latest. Called at start and by `npm run migrate`.
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from '../../migrations/index';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
