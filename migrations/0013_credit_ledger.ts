// The credit ledger (issue 7): township-maintained credit kinds, grade rules (versioned) and 信易+
// perks; the review of credit records (new states, reversal, the issuing office of a document,
// repair); evaluation rounds (信用户评定) with back-to-back ratings, results, the township's
// sample check; and the household's objections and repair requests. Never mixed with moral points
// (guardrail 1). Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Credit records: review outcome, reversal and repair (0008 had submitted | withdrawn only).
  await db.schema.alterTable('credit_records').addColumn('reverses', 'text').execute();
  await db.schema.alterTable('credit_records').addColumn('state_reason', 'text', (c) => c.notNull().defaultTo('')).execute();
  // The court or office that issued the document (a negative record's legal basis).
  await db.schema.alterTable('credit_records').addColumn('issuer', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('credit_records').addColumn('repaired_on', 'text').execute();
  await db.schema.createIndex('credit_records_reverses').on('credit_records').column('reverses').execute();
  await db.schema.createIndex('credit_records_occurred').on('credit_records').column('occurred_on').execute();

  await db.schema
    .createTable('credit_kinds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('negative', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('document_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sources', 'text', (c) => c.notNull()) // comma-separated CREDIT_SOURCES
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_kinds_township_code').unique().on('credit_kinds').columns(['township_id', 'code']).execute();

  await db.schema
    .createTable('credit_grade_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull()) // JSON, shared/domain/credit-grade.ts GradeRules
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_grade_rules_township_version').unique().on('credit_grade_rules').columns(['township_id', 'version']).execute();

  await db.schema
    .createTable('credit_perks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('min_grade', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_perks_township').on('credit_perks').column('township_id').execute();

  await db.schema
    .createTable('credit_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('period_label', 'text', (c) => c.notNull()) // e.g. 2025年度
    .addColumn('status', 'text', (c) => c.notNull()) // rating | posted | fixed
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'text')
    .addColumn('objection_ends_at', 'text')
    .addColumn('fixed_at', 'text')
    .addColumn('sample_share', 'real')
    .execute();
  await db.schema.createIndex('credit_rounds_village').on('credit_rounds').columns(['village_id', 'created_at']).execute();

  await db.schema
    .createTable('credit_ratings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('credit_rounds.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('rater_id', 'text', (c) => c.notNull())
    .addColumn('grade', 'text') // null: "I do not know this household"
    .addColumn('unknown_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_ratings_one').unique().on('credit_ratings').columns(['round_id', 'household_id', 'rater_id']).execute();

  await db.schema
    .createTable('credit_round_results')
    .addColumn('round_id', 'text', (c) => c.notNull().references('credit_rounds.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolution_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('credit_round_results_pk', ['round_id', 'household_id'])
    .execute();
  await db.schema.createIndex('credit_round_results_household').on('credit_round_results').column('household_id').execute();

  await db.schema
    .createTable('credit_sample_checks')
    .addColumn('round_id', 'text', (c) => c.notNull().references('credit_rounds.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('village_id', 'text', (c) => c.notNull())
    .addColumn('grade', 'text') // the township's finding; null while pending
    .addColumn('agrees', 'integer')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('checked_by', 'text')
    .addColumn('checked_at', 'text')
    .addPrimaryKeyConstraint('credit_sample_checks_pk', ['round_id', 'household_id'])
    .execute();

  // A household's objection to a credit record or to its round result, or its repair request.
  await db.schema
    .createTable('credit_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // record_objection | round_objection | repair
    .addColumn('village_id', 'text', (c) => c.notNull().references('villages.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('record_id', 'text')
    .addColumn('round_id', 'text')
    .addColumn('grounds', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | upheld | dismissed
    .addColumn('resolution', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema.createIndex('credit_requests_village_status').on('credit_requests').columns(['village_id', 'status']).execute();
  await db.schema.createIndex('credit_requests_household').on('credit_requests').column('household_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['credit_requests', 'credit_sample_checks', 'credit_round_results', 'credit_ratings', 'credit_rounds', 'credit_perks', 'credit_grade_rules', 'credit_kinds']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropIndex('credit_records_occurred').ifExists().execute();
  await db.schema.dropIndex('credit_records_reverses').ifExists().execute();
  for (const c of ['repaired_on', 'issuer', 'state_reason', 'reverses']) await db.schema.alterTable('credit_records').dropColumn(c).execute();
}
