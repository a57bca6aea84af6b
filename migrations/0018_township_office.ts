// The township office (issue 11 "Roster import"): every roster import with its file and report.
// - roster_imports: one row per uploaded roster of a village. The file is kept encrypted with the
//   personal-data key (it carries clear ID numbers); the dry-run report (per row: will create /
//   update / unchanged / error with the reason) and, once imported, what was written.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roster_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    // 'xlsx' | 'csv'
    .addColumn('file_format', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    // The file's bytes (base64), AES-256-GCM with the personal-data key (server/security/pii.ts).
    .addColumn('file_cipher', 'text', (c) => c.notNull())
    // 'parsing' → 'ready' → 'applied'; 'failed' when the file cannot be read
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('parsing'))
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON {create, update, unchanged, error, skipped}
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    // JSON PlanRow[] (shared/domain/roster-plan.ts): masked ID numbers only
    .addColumn('report', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('problem', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('applied_by', 'text')
    .addColumn('applied_at', 'text')
    // JSON {households, persons, skippedErrors}
    .addColumn('applied_counts', 'text')
    .execute();
  await db.schema.createIndex('roster_imports_village').on('roster_imports').columns(['village_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('roster_imports').ifExists().execute();
}
