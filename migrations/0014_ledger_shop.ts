// The double-entry ledger (issue 8, LEDGER_CONTRACT.md) and the 积分超市 (points shop).
// - ledger_accounts: one row per account; id = shared/domain/ledger.ts accountKey(). The row is
//   what PostgreSQL locks (SELECT … FOR UPDATE, in id order) while a transfer checks balances.
//   It holds no balance: balances are sums of ledger_legs.
// - ledger_transfers: one row per transfer, unique idempotency key, the hash of its body.
// - ledger_legs: the amounts (+ credit, − debit); status mirrors the transfer's (posted, pending,
//   voided) so that a balance is one indexed sum over one table.
// - shop_items, shop_redemptions: the village shop's items and the redemptions (reservations).
// - points_expiry_runs: the year-end expiry runs that finished.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('year', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_accounts_owner').on('ledger_accounts').columns(['owner_id', 'kind']).execute();

  await db.schema
    .createTable('ledger_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // posted | pending | voided
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text')
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('settled_by', 'text')
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema.createIndex('ledger_transfers_village_at').on('ledger_transfers').columns(['village_id', 'at']).execute();

  await db.schema
    .createTable('ledger_legs')
    .addColumn('transfer_id', 'text', (c) => c.notNull().references('ledger_transfers.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_legs_pk', ['transfer_id', 'account_id'])
    .execute();
  // The balance read: sum(amount) where account_id = ? group by status, from the index alone.
  await db.schema.createIndex('ledger_legs_account').on('ledger_legs').columns(['account_id', 'status', 'at', 'amount']).execute();

  await db.schema
    .createTable('shop_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_name', 'text', (c) => c.notNull().defaultTo('件'))
    .addColumn('points_price', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_items_village').on('shop_items').columns(['village_id', 'active']).execute();

  await db.schema
    .createTable('shop_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('shop_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    // reserved | handed_over | cancelled | voided
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('points_transfer_id', 'text', (c) => c.notNull())
    .addColumn('stock_transfer_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_role', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('settled_by', 'text')
    .addColumn('settled_at', 'text')
    // photo | signature (the hand-over proof), its evidence blob hash
    .addColumn('proof_kind', 'text')
    .addColumn('proof_sha256', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('shop_redemptions_village').on('shop_redemptions').columns(['village_id', 'status', 'requested_at']).execute();
  // The year-end expiry runs that finished (server/jobs/points-jobs.ts): one row per ended year.
  await db.schema
    .createTable('points_expiry_runs')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('expired_households', 'integer', (c) => c.notNull())
    .addColumn('expired_points', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_redemptions_household').on('shop_redemptions').columns(['household_id', 'requested_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['points_expiry_runs', 'shop_redemptions', 'shop_items', 'ledger_legs', 'ledger_transfers', 'ledger_accounts']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
