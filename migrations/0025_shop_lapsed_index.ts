// The shop's lapsed reservations (issue 8: voided after 30 days) are found by the shop-void-lapsed
// job every 10 minutes; without an index that question read every redemption ever made (found by
// the query-plan test once the ledger's jobs were added to it). Frozen once released. Portable on
// SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('shop_redemptions_lapsing').on('shop_redemptions').columns(['status', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('shop_redemptions_lapsing').ifExists().execute();
}
