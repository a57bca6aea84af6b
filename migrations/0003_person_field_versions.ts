// Field-level merge of person edits pushed by phones (docs/sync-protocol.md, person.update).
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
// Kysely<any>: a frozen migration must not type itself with the app's Database (style.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The person version at which each field last changed (like household_field_versions, 0002).
  // Conflicts of person edits go to sync_conflicts with entity 'person'.
  await db.schema
    .createTable('person_field_versions')
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_field_versions_pk', ['person_id', 'field'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('person_field_versions').ifExists().execute();
}
