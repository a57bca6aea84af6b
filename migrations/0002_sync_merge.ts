// Field-level merge of household edits pushed by phones (docs/sync-protocol.md, household.update).
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
// Kysely<any>: a frozen migration must not type itself with the app's Database (style.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The household version at which each field last changed. A push based on version B conflicts
  // on field F only if the server changed F after B (version > B) and the phone changed F too.
  // A field without a row has not changed since the household was created.
  await db.schema
    .createTable('household_field_versions')
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('household_field_versions_pk', ['household_id', 'field'])
    .execute();

  // Edits that lost a field-level merge: the server value was kept, the phone's value is kept
  // here for the village admin to review (status open → resolved / dismissed).
  await db.schema
    .createTable('sync_conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('base_version', 'integer', (c) => c.notNull())
    // JSON text of the field's value on each side (null is the JSON 'null').
    .addColumn('server_value', 'text', (c) => c.notNull())
    .addColumn('client_value', 'text', (c) => c.notNull())
    .addColumn('mutation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema.createIndex('sync_conflicts_village_status').on('sync_conflicts').columns(['village_id', 'status']).execute();

  // The stored answer of a mutation must be replayable word for word (a conflict lists its fields).
  await db.schema.alterTable('sync_mutations').addColumn('message', 'text').execute();
  await db.schema.alterTable('sync_mutations').addColumn('fields', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_mutations').dropColumn('fields').execute();
  await db.schema.alterTable('sync_mutations').dropColumn('message').execute();
  await db.schema.dropTable('sync_conflicts').ifExists().execute();
  await db.schema.dropTable('household_field_versions').ifExists().execute();
}
