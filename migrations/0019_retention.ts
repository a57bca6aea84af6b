// Retention of moral entries (guardrail 8, issue 12): a negative entry stops counting after a year
// (the tallies) and is anonymised after three years by the retention job (server/jobs/retention.ts):
// its note, the notes of its earlier versions and its photo links are removed, the fact (household,
// indicator, date, points, state, events) is kept. `anonymised_at` says when; the partial index
// holds only the deductions still to anonymise, so each run reads the due ones in small indexed
// steps however long the ledger grows.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('entries').addColumn('anonymised_at', 'text').execute();
  await db.schema.createIndex('entries_deductions_to_anonymise').on('entries').columns(['occurred_on', 'id'])
    .where(sql.ref('points'), '<', 0).where(sql.ref('anonymised_at'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('entries_deductions_to_anonymise').ifExists().execute();
  await db.schema.alterTable('entries').dropColumn('anonymised_at').execute();
}
