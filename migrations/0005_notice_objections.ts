// Public notice, objections and settlement (issue 12). Frozen once released.
// Portable on SQLite and PostgreSQL (see 0001_init). Kysely<any>: a frozen migration must not type
// itself with the app's Database (style.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Settlement and notice detail read a notice's entries by state: without this index each of them
  // scanned the whole ledger (a Pingdu server did not start for 15 minutes).
  await db.schema.createIndex('entries_notice_state').on('entries').columns(['notice_id', 'state']).execute();
  // The settler finds due windows (open, ended) without reading closed ones.
  await db.schema.createIndex('notices_status_ends').on('notices').columns(['status', 'ends_at']).execute();

  // Per notice: the SHA-256 of its QR link's token (the token itself, ≥128 bits, is never stored;
  // the server derives it again with its key to print the sheet) and the period it covers. A table
  // of its own, so that notices written by older code or the seed need no new columns.
  await db.schema
    .createTable('notice_links')
    .addColumn('notice_id', 'text', (c) => c.primaryKey().references('notices.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('period_from', 'text')
    .addColumn('period_to', 'text')
    .execute();

  // The village's rules may allow names on the deduction rows of a printed notice (default: no,
  // a deduction row shows the household number only). No row: the default.
  await db.schema
    .createTable('village_notice_settings')
    .addColumn('village_id', 'text', (c) => c.primaryKey().references('villages.id'))
    .addColumn('names_on_deductions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('objections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('entry_id', 'text', (c) => c.notNull().references('entries.id'))
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('household_id', 'text', (c) => c.notNull())
    // A resident filing while logged in; null for a filer who came through the QR link.
    .addColumn('filed_by', 'text')
    .addColumn('filer_household_id', 'text')
    .addColumn('filer_name', 'text')
    .addColumn('filer_phone', 'text')
    .addColumn('grounds', 'text', (c) => c.notNull())
    // pending → upheld | dismissed | amended
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('resolution_reason', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    // amended: the entry that replaced the objected one
    .addColumn('replacement_entry_id', 'text')
    // SHA-256 of the receipt token a QR filer follows the objection with (never stored in clear).
    .addColumn('receipt_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('objections_notice').on('objections').column('notice_id').execute();
  await db.schema.createIndex('objections_entry_status').on('objections').columns(['entry_id', 'status']).execute();
  await db.schema.createIndex('objections_village_status').on('objections').columns(['village_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('objections_filer_household').on('objections').column('filer_household_id').execute();
  await db.schema.createIndex('objections_receipt').on('objections').column('receipt_hash').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('objections').ifExists().execute();
  await db.schema.dropTable('village_notice_settings').ifExists().execute();
  await db.schema.dropTable('notice_links').ifExists().execute();
  await db.schema.dropIndex('notices_status_ends').ifExists().execute();
  await db.schema.dropIndex('entries_notice_state').ifExists().execute();
}
