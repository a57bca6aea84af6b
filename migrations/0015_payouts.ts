// Cash incentives (issue 8, 信用激励兑现): payout rounds (a township's amounts per star level for a
// closed period), one list per village and round (posted publicly, approved by the village and then
// the township, paid), and the list's items (one per household). Money moves only as ledger
// transfers (0014); items keep the ids of their transfers. Frozen once released. Portable on
// SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payout_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    // JSON {"5": fen, "4": fen, "3": fen, "2": fen, "1": fen}
    .addColumn('amounts', 'text', (c) => c.notNull())
    .addColumn('post_days', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_rounds_township_period').on('payout_rounds').columns(['township_id', 'period_key']).unique().execute();

  await db.schema
    .createTable('payout_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('round_id', 'text', (c) => c.notNull().references('payout_rounds.id'))
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('period_key', 'text', (c) => c.notNull())
    // draft | posted | village_approved | township_approved | paid
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_fen', 'bigint', (c) => c.notNull())
    .addColumn('household_count', 'integer', (c) => c.notNull())
    .addColumn('posted_by', 'text')
    .addColumn('posted_at', 'text')
    .addColumn('post_ends_at', 'text')
    .addColumn('village_approved_by', 'text')
    .addColumn('village_approved_at', 'text')
    .addColumn('township_approved_by', 'text')
    .addColumn('township_approved_at', 'text')
    .addColumn('paid_by', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_lists_round_village').on('payout_lists').columns(['round_id', 'village_id']).unique().execute();
  await db.schema.createIndex('payout_lists_village_status').on('payout_lists').columns(['village_id', 'status']).execute();

  await db.schema
    .createTable('payout_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('list_id', 'text', (c) => c.notNull().references('payout_lists.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addColumn('standing', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    // due | paid | unpaid | returned
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pay_transfer_id', 'text')
    .addColumn('return_transfer_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('settled_by', 'text')
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema.createIndex('payout_items_list').on('payout_items').columns(['list_id', 'household_id']).unique().execute();
  await db.schema.createIndex('payout_items_village_status').on('payout_items').columns(['village_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['payout_items', 'payout_lists', 'payout_rounds']) await db.schema.dropTable(t).ifExists().execute();
}
