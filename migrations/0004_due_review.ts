// Review side of due process (issue 12): the stated basis of a deduction, the reason of an entry's
// last state change (so that a return reason reaches the collector's phone and the household),
// the revision of a corrected-and-resubmitted entry with its earlier versions kept, and the
// indexes the paged review queue and the reversal pairing read through.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A deduction's basis (guardrail 2): 'village_rule' (村规民约条款) or 'official_finding'
  // (处理决定/认定书), with its text; stated by the approving committee member.
  await db.schema.alterTable('entries').addColumn('basis_kind', 'text').execute();
  await db.schema.alterTable('entries').addColumn('basis_text', 'text').execute();
  // Why the entry is in its state (the reason of its last event: a return, a rejection, …).
  await db.schema.alterTable('entries').addColumn('state_reason', 'text', (c) => c.notNull().defaultTo('')).execute();
  // 1 when recorded; +1 for every correction the recorder resubmits after a return.
  await db.schema.alterTable('entries').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  // The content an entry had before a resubmission replaced it (nothing is lost).
  await db.schema
    .createTable('entry_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('catalog_version_id', 'text', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text', (c) => c.notNull())
    .addColumn('replaced_by', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('entry_revisions_entry_revision', ['entry_id', 'revision'])
    .execute();

  // The review queue: a village's submitted entries oldest first, paged by (created_at, id).
  await db.schema.createIndex('entries_review_queue').on('entries').columns(['village_id', 'state', 'created_at', 'id']).execute();
  // Reversals of an entry (pairing, one live reversal per entry, settlement marking the original).
  await db.schema.createIndex('entries_reverses').on('entries').column('reverses').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('entries_reverses').ifExists().execute();
  await db.schema.dropIndex('entries_review_queue').ifExists().execute();
  await db.schema.dropTable('entry_revisions').ifExists().execute();
  for (const c of ['revision', 'state_reason', 'basis_text', 'basis_kind']) await db.schema.alterTable('entries').dropColumn(c).execute();
}
