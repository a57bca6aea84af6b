// What /api/ready asks the database: is it there, and has every migration of this build run?
import { sql } from 'kysely';
import type { Queryable } from './queryable';

export async function pingDatabase(db: Queryable): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Names of the migrations the database has recorded (Kysely's own table). */
export async function appliedMigrations(db: Queryable): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return rows.rows.map((r) => r.name);
}
