// Two tables several features share, laid down once so that they have one home:
// - household_consents: a household's consent per purpose (domain.md guardrail 5). One row per
//   change (the history is the table); the latest row per (household, purpose) is in force.
// - audit_log: who did what to which subject, for township staff to read (exports, user changes,
//   imports, anomaly checks, repair requests…). Append-only.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('household_consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    // shared/domain/consent.ts CONSENT_PURPOSES
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('granted', 'integer', (c) => c.notNull())
    // The person who consented (a guardian for a minor), when known.
    .addColumn('person_id', 'text')
    // The user who recorded the change (the resident's session, or staff on paper consent).
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('household_consents_current').on('household_consents').columns(['household_id', 'purpose', 'at']).execute();
  // Who in a village consents to a purpose (public boards, bank lists): read in this order.
  await db.schema.createIndex('household_consents_village').on('household_consents').columns(['village_id', 'purpose', 'household_id', 'at', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    // A dotted verb: export.entries, user.create, roster.import, anomaly.check, …
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('subject_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('row_count', 'integer')
    // JSON: what else a reader needs (filters of an export, fields changed). Never personal data.
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_township_at').on('audit_log').columns(['township_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').ifExists().execute();
  await db.schema.dropTable('household_consents').ifExists().execute();
}
