// Photo evidence of entries (issue 13, docs/sync-protocol.md "Evidence photos").
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
// Kysely<any>: a frozen migration must not type itself with the app's Database (style.md).
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per photo, keyed by its SHA-256: the same photo uploaded twice is stored once.
  // `received` counts the bytes so far (the resume offset); `complete` once the hash was verified.
  await db.schema
    .createTable('evidence_blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  // The bytes on PostgreSQL, chunk by chunk (so several server processes share them); on SQLite
  // they are files under DATA_DIR/evidence/ and this table stays empty.
  await db.schema
    .createTable('evidence_chunks')
    .addColumn('sha256', 'text', (c) => c.notNull().references('evidence_blobs.sha256'))
    .addColumn('byte_offset', 'integer', (c) => c.notNull())
    .addColumn('data', db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('evidence_chunks_pk', ['sha256', 'byte_offset'])
    .execute();
  // Which photos an entry carries (a reference may arrive before its photo: see the protocol).
  await db.schema
    .createTable('entry_evidence')
    .addColumn('entry_id', 'text', (c) => c.notNull().references('entries.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    // GPS is evidence metadata for reviewers only, never on notices or resident screens (guardrail 7).
    .addColumn('gps_lat', 'real')
    .addColumn('gps_lon', 'real')
    .addColumn('gps_accuracy', 'real')
    .addPrimaryKeyConstraint('entry_evidence_pk', ['entry_id', 'sha256'])
    .execute();
  // Access to a photo asks which villages' entries reference it.
  await db.schema.createIndex('entry_evidence_sha256').on('entry_evidence').column('sha256').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('entry_evidence').ifExists().execute();
  await db.schema.dropTable('evidence_chunks').ifExists().execute();
  await db.schema.dropTable('evidence_blobs').ifExists().execute();
}
