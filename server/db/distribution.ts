// The plan past one PostgreSQL (docs/scale-out.md): Citus, distributed by township. Every table is
// placed here; server/db/distribution.test.ts checks that each table of the schema is, and that the
// SQL of the sync and tally paths pins one township as this plan says. citusDdl() prints the
// statements that would distribute a migrated database.

export type Placement =
  /** Sharded by township_id, colocated with townships: a township's rows live on one node. */
  | {
    kind: 'distributed';
    /** false: the column is still to be added (docs/scale-out.md "Columns to add"). */
    hasTownshipId: boolean;
    /**
     * Predicates that pin one township today: township_id itself, or an id whose township is
     * fixed and known to the request (a village never changes township; the session knows the
     * user's township), to which the repository adds `township_id = $n` once the column exists.
     */
    routeBy: readonly string[];
  }
  /** Small catalogues read by every township's queries: a copy on every node. */
  | { kind: 'reference' }
  /** Sharded by their own key, in no colocation group (looked up by that key only). */
  | { kind: 'hashed'; column: string }
  /** Stays on the coordinator: operational bookkeeping, never joined with township data. */
  | { kind: 'coordinator' };

export const DISTRIBUTION: Record<string, Placement> = {
  townships: { kind: 'distributed', hasTownshipId: false, routeBy: ['id'] }, // distributed by id (= its township_id)
  villages: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'id'] },
  households: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  persons: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  notices: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  entries: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  entry_events: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  changes: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'scope'] }, // scope = 'village:<id>' | 'township:<id>'
  sync_mutations: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  sync_conflicts: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  household_field_versions: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  person_field_versions: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  // Added with due process, tallies, credit records and photos (issue 12, 13): routed like the
  // entries they belong to; their own township_id is among the columns to add.
  entry_revisions: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  notice_links: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'notice_id'] },
  village_notice_settings: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  objections: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  tally_households: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  tally_deductions: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  tally_villages: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  tally_village_months: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  tally_rebuilt: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  period_closures: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  period_snapshots: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  anomaly_flags: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  credit_records: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  credit_record_events: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  // The credit ledger (issue 7): township lists by township, village work by its village.
  credit_kinds: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  credit_grade_rules: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  credit_perks: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  credit_rounds: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  credit_ratings: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  credit_round_results: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  credit_sample_checks: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  credit_requests: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  // A credit record's photos (0020), like entry_evidence.
  credit_record_evidence: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  entry_evidence: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id'] },
  household_consents: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  audit_log: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  // The ledger and the points shop (issue 8): every row carries its township. Accounts, legs and
  // transfers are looked up by id/account id, whose township the caller knows.
  ledger_accounts: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'id'] },
  ledger_transfers: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id'] },
  ledger_legs: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'account_id', 'transfer_id'] },
  shop_items: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id'] },
  shop_redemptions: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id'] },
  // Cash incentives (issue 8): rounds per township, lists and items per village, each with its township.
  payout_rounds: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  payout_lists: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id', 'round_id'] },
  payout_items: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id', 'list_id'] },
  // Residents (issue 9): routed like the household they belong to.
  resident_qr_tokens: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  correction_requests: { kind: 'distributed', hasTownshipId: false, routeBy: ['township_id', 'village_id'] },
  roster_imports: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id', 'village_id'] },
  anomaly_checks: { kind: 'distributed', hasTownshipId: true, routeBy: ['township_id'] },
  // Photos are content-addressed and shared: looked up by their hash only.
  evidence_blobs: { kind: 'hashed', column: 'sha256' },
  evidence_chunks: { kind: 'hashed', column: 'sha256' },
  rate_limits: { kind: 'hashed', column: 'key' },
  catalog_versions: { kind: 'reference' },
  indicators: { kind: 'reference' },
  users: { kind: 'reference' },
  user_villages: { kind: 'reference' },
  sessions: { kind: 'hashed', column: 'id' },
  login_attempts: { kind: 'hashed', column: 'key' },
  scheduled_jobs: { kind: 'coordinator' },
  job_runs: { kind: 'coordinator' },
  points_expiry_runs: { kind: 'coordinator' },
  kysely_migration: { kind: 'coordinator' },
  kysely_migration_lock: { kind: 'coordinator' },
};

export function isDistributed(table: string): boolean {
  return DISTRIBUTION[table]?.kind === 'distributed';
}

/** The Citus statements for a database migrated to the plan's columns (docs/scale-out.md). */
export function citusDdl(): string[] {
  const out: string[] = [];
  for (const [table, p] of Object.entries(DISTRIBUTION)) {
    if (p.kind === 'reference') out.push(`select create_reference_table('${table}');`);
    else if (p.kind === 'hashed') out.push(`select create_distributed_table('${table}', '${p.column}', colocate_with => 'none');`);
    else if (p.kind === 'distributed') {
      out.push(table === 'townships'
        ? `select create_distributed_table('townships', 'id');`
        : `select create_distributed_table('${table}', 'township_id', colocate_with => 'townships');`);
    }
  }
  return out;
}
