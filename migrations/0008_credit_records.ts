// Credit-information records (信用信息采集, field-entry): their own ledger, never mixed with moral
// points (domain.md guardrail 1), recorded on phones (credit.create) and pulled by the village.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('credit_records')
    // Client-generated UUIDv7, the record's identity from the phone on.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('person_id', 'text', (c) => c.references('persons.id'))
    // shared/domain/credit.ts CREDIT_KINDS / CREDIT_SOURCES
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('document_no', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    // submitted | withdrawn; review states come with the credit ledger's review (a later issue).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('recorder_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('client_created_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The household page and the village's review list read by these.
  await db.schema.createIndex('credit_records_household').on('credit_records').columns(['household_id', 'occurred_on']).execute();
  await db.schema.createIndex('credit_records_village_state').on('credit_records').columns(['village_id', 'state']).execute();

  await db.schema
    .createTable('credit_record_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('credit_records.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_record_events_record').on('credit_record_events').column('record_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credit_record_events').ifExists().execute();
  await db.schema.dropTable('credit_records').ifExists().execute();
}
