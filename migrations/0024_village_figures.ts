// Each village's ranking figures kept beside its counters (issue 12 "Fast at Pingdu scale"): the
// township's ranking read ~40,000 household tallies per request to find each village's median
// standing and its households per star level. The tally writer (server/repositories/tallies.ts)
// now recomputes these figures from the village's household tallies, in the same transaction,
// whenever they or the village's households change, so the ranking reads one row per village.
// `figures_base` is the township's base standing the figures were computed with; NULL means not
// computed yet (rows from before this migration): readers then compute them from the household
// tallies, and the background catch-up fills them in, a village at a time, through the partial
// index that holds only those rows.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tally_villages').addColumn('figures_base', 'integer').execute();
  await db.schema.alterTable('tally_villages').addColumn('households', 'integer').execute();
  await db.schema.alterTable('tally_villages').addColumn('median_standing', 'double precision').execute();
  for (const level of [1, 2, 3, 4, 5]) {
    await db.schema.alterTable('tally_villages').addColumn(`stars${level}_households`, 'integer').execute();
  }
  await db.schema.createIndex('tally_villages_figures_pending').on('tally_villages').columns(['village_id'])
    .where(sql.ref('figures_base'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tally_villages_figures_pending').ifExists().execute();
  for (const c of ['stars5_households', 'stars4_households', 'stars3_households', 'stars2_households', 'stars1_households', 'median_standing', 'households', 'figures_base']) {
    await db.schema.alterTable('tally_villages').dropColumn(c).execute();
  }
}
