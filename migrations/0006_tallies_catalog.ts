// 0006 (issue 12, tallies and catalogue): incremental tallies per household and village, the
// background catch-up's progress, period snapshots (stars and boards frozen per period), anomaly
// flags, catalogue basis kinds, cadence and the per-recorder-per-day cap. Only new tables and
// nullable/defaulted columns: on a Pingdu database this migration is instant (no index on a big
// table); the tallies are filled by the background catch-up (server/tallies/catch-up.ts).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const counter = (name: string) => (t: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    t.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));

  let households = db.schema.createTable('tally_households')
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull());
  for (const col of ['effective_points', 'positive_points', 'deduction_points', 'big_deductions', 'effective_entries',
    'live_entries', 'participating_entries', 'pending_points']) households = counter(col)(households);
  await households.addPrimaryKeyConstraint('tally_households_pk', ['household_id', 'year']).execute();
  await db.schema.createIndex('tally_households_village').on('tally_households').columns(['village_id', 'year', 'effective_points']).execute();

  // Effective deductions per household and day: what drops out after 12 months (guardrail 3).
  await db.schema.createTable('tally_deductions')
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('big_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('tally_deductions_pk', ['household_id', 'occurred_on'])
    .execute();
  await db.schema.createIndex('tally_deductions_village').on('tally_deductions').columns(['village_id', 'occurred_on']).execute();

  let villages = db.schema.createTable('tally_villages')
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull());
  for (const col of ['points_issued', 'deduction_points', 'live_entries', 'effective_entries', 'participating_households',
    'awaiting_review', 'awaiting_created_days', 'publicized_entries', 'publicized_on_time', 'objected_entries']) villages = counter(col)(villages);
  await villages.addPrimaryKeyConstraint('tally_villages_pk', ['village_id', 'year']).execute();

  let months = db.schema.createTable('tally_village_months')
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull());
  for (const col of ['points_issued', 'deduction_points', 'live_entries', 'effective_entries']) months = counter(col)(months);
  await months.addPrimaryKeyConstraint('tally_village_months_pk', ['village_id', 'month']).execute();

  await db.schema.createTable('tally_rebuilt')
    .addColumn('village_id', 'text', (c) => c.primaryKey())
    .addColumn('rebuilt_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('period_closures')
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('cadence', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('period_closures_pk', ['village_id', 'period_key'])
    .execute();
  await db.schema.createTable('period_snapshots')
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('standing', 'integer', (c) => c.notNull())
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addColumn('on_board', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('period_snapshots_pk', ['village_id', 'period_key', 'household_id'])
    .execute();

  await db.schema.createTable('anomaly_flags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull())
    .addColumn('village_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text')
    .addColumn('score', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('reason_zh', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomaly_flags_township').on('anomaly_flags').columns(['township_id', 'kind']).execute();

  // Catalogue: the basis a deduction rests on (legal / village_rule / official_finding).
  await db.schema.alterTable('indicators').addColumn('basis_kind', 'text').execute();
  // Cadence of appraisal and notice, per township with an optional village override.
  await db.schema.alterTable('townships').addColumn('cadence', 'text', (c) => c.notNull().defaultTo('month')).execute();
  await db.schema.alterTable('townships').addColumn('recorder_day_cap', 'integer').execute();
  await db.schema.alterTable('villages').addColumn('cadence', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['anomaly_flags', 'period_snapshots', 'period_closures', 'tally_rebuilt', 'tally_village_months', 'tally_villages', 'tally_deductions', 'tally_households']) {
    await db.schema.dropTable(t).execute();
  }
}
