// Initial schema. Frozen once released: later changes go into new numbered migrations.
// Portable on SQLite and PostgreSQL: ids are text (UUIDv7), times are ISO-8601 text in UTC,
// calendar dates are 'YYYY-MM-DD' text, booleans are integers 0/1.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('townships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_points', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('notice_days', 'integer', (c) => c.notNull().defaultTo(7))
    // Change counter of the township scope (catalogue). Bumped inside each writing transaction.
    .addColumn('change_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('villages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // Change counter of the village scope: UPDATE … SET change_seq = change_seq + n RETURNING,
    // inside the writing transaction, so commit order and change order agree (docs/sync-protocol.md).
    .addColumn('change_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('villages_township').on('villages').column('township_id').execute();

  await db.schema
    .createTable('households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('household_no', 'text', (c) => c.notNull())
    .addColumn('group_no', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('head_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('consent_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('households_village_no', ['village_id', 'household_no'])
    .execute();

  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer')
    .addColumn('is_minor', 'integer', (c) => c.notNull().defaultTo(0))
    // ID number (guardrail 6): keyed hash for lookup, last 4 for display, ciphertext at rest.
    .addColumn('id_hash', 'text')
    .addColumn('id_last4', 'text')
    .addColumn('id_cipher', 'text')
    .addColumn('phone', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('persons_household').on('persons').column('household_id').execute();
  await db.schema.createIndex('persons_village').on('persons').column('village_id').execute();
  await db.schema.createIndex('persons_id_hash').on('persons').column('id_hash').execute();

  await db.schema
    .createTable('catalog_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('published'))
    .addColumn('published_at', 'text')
    .addUniqueConstraint('catalog_versions_township_version', ['township_id', 'version'])
    .execute();

  await db.schema
    .createTable('indicators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('catalog_version_id', 'text', (c) => c.notNull().references('catalog_versions.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('sign', 'integer', (c) => c.notNull())
    .addColumn('points_min', 'integer', (c) => c.notNull())
    .addColumn('points_max', 'integer', (c) => c.notNull())
    .addColumn('cap_count', 'integer')
    .addColumn('cap_period', 'text')
    .addColumn('evidence_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo('household'))
    .addColumn('recorder_roles', 'text', (c) => c.notNull().defaultTo('collector,committee'))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('indicators_version_code', ['catalog_version_id', 'code'])
    .execute();

  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_village').on('notices').column('village_id').execute();

  await db.schema
    .createTable('entries')
    .addColumn('id', 'text', (c) => c.primaryKey()) // client-generated UUIDv7
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('person_id', 'text')
    .addColumn('catalog_version_id', 'text', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorder_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('device_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reverses', 'text')
    .addColumn('notice_id', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('client_created_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('entries_village_state').on('entries').columns(['village_id', 'state']).execute();
  await db.schema.createIndex('entries_household').on('entries').columns(['household_id', 'occurred_on']).execute();
  await db.schema.createIndex('entries_recorder').on('entries').columns(['recorder_id', 'occurred_on']).execute();

  await db.schema
    .createTable('entry_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('entry_events_entry').on('entry_events').column('entry_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    // admin | township | committee | collector | resident
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('township_id', 'text')
    .addColumn('household_id', 'text')
    .addColumn('phone', 'text', (c) => c.unique())
    .addColumn('password_hash', 'text')
    .addColumn('pin_hash', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_villages')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addPrimaryKeyConstraint('user_villages_pk', ['user_id', 'village_id'])
    .execute();
  await db.schema.createIndex('user_villages_village').on('user_villages').column('village_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha256 of the cookie token; the token itself is never stored
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey()) // 'user:<name>' or 'ip:<addr>'
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_start', 'text', (c) => c.notNull())
    .execute();

  // Idempotency of every pushed mutation: the primary key on the client-generated id decides,
  // never a SELECT-then-INSERT. The stored result is replayed for duplicates.
  await db.schema
    .createTable('sync_mutations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('device_seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_mutations_device').on('sync_mutations').columns(['device_id', 'device_seq']).execute();

  // Pull log: one row per entity holding the change number of its latest change in its scope.
  // scope is 'village:<id>' or 'township:<id>'; op is 'upsert' or 'delete' (a tombstone).
  await db.schema
    .createTable('changes')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('changes_pk', ['entity', 'entity_id'])
    .addUniqueConstraint('changes_scope_seq', ['scope', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'changes', 'sync_mutations', 'login_attempts', 'sessions', 'user_villages', 'users', 'entry_events',
    'entries', 'notices', 'indicators', 'catalog_versions', 'persons', 'households', 'villages', 'townships',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
