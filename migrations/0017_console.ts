// The township console (issue 11):
// - anomaly_checks: a township officer marked an anomaly flag as checked, with a note. Flags are
//   recomputed (and re-identified) in the background, so a check is kept by what the flag is about
//   (kind, subject, day), not by the flag's id: a flag raised again for the same thing stays checked.
// - entries_village_occurred: the keyset of the entries export (village, date, id), so a township's
//   year of entries is read a page at a time through an index, never loaded at once.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('anomaly_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // '' when the flag has no day (a village's concentration of deductions).
    .addColumn('day', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('checked_by', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomaly_checks_subject').on('anomaly_checks').columns(['township_id', 'kind', 'subject_id', 'day']).unique().execute();
  await db.schema.createIndex('entries_village_occurred').on('entries').columns(['village_id', 'occurred_on', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('entries_village_occurred').ifExists().execute();
  await db.schema.dropTable('anomaly_checks').ifExists().execute();
}
