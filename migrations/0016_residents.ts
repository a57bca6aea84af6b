// Residents see and question what is recorded about their household (issue 9):
// - resident_qr_tokens: the household's printed QR slips. Only sha256(token) is kept; a slip is
//   revoked by the village admin (revoked_at) and the sessions it opened end with it.
// - correction_requests: a resident asks for a correction of a personal-data field; the village
//   admin's queue resolves it (done / refused, with a note).
// - sessions.last_seen_at (inactivity expiry, shorter for residents) and sessions.qr_token_id.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resident_qr_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    // The household's QR account (a resident user without phone) that the slip logs in as.
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('resident_qr_tokens_household').on('resident_qr_tokens').column('household_id').execute();

  await db.schema
    .createTable('correction_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    // shared/domain/corrections.ts CORRECTION_FIELDS
    .addColumn('field', 'text', (c) => c.notNull())
    // What the resident says is right (never an ID number: that one is checked in person).
    .addColumn('requested', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolution_note', 'text')
    .execute();
  await db.schema.createIndex('correction_requests_village').on('correction_requests').columns(['village_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('correction_requests_household').on('correction_requests').column('household_id').execute();

  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('qr_token_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('qr_token_id').execute();
  await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute();
  await db.schema.dropTable('correction_requests').ifExists().execute();
  await db.schema.dropTable('resident_qr_tokens').ifExists().execute();
}
