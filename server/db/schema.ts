// Row types of every table, as Kysely sees them. Snake_case stays here and in repositories;
// repositories map rows to camelCase DTOs (shared/ types) before anything leaves the server layer.
import type { ColumnType, Generated } from 'kysely';

export interface TownshipTable {
  id: string; code: string; name: string;
  base_points: Generated<number>; notice_days: Generated<number>; change_seq: Generated<number>;
  created_at: string;
}
export interface VillageTable {
  id: string; township_id: string; code: string; name: string;
  change_seq: Generated<number>; created_at: string;
}
export interface HouseholdTable {
  id: string; village_id: string; household_no: string; group_no: Generated<number>;
  head_name: string; phone: string | null; status: Generated<string>;
  consent_public: Generated<number>; version: Generated<number>; deleted: Generated<number>;
  created_at: string; updated_at: string;
}
export interface PersonTable {
  id: string; household_id: string; village_id: string; name: string; relation: string;
  birth_year: number | null; is_minor: Generated<number>;
  id_hash: string | null; id_last4: string | null; id_cipher: string | null;
  phone: string | null; version: Generated<number>; deleted: Generated<number>;
  created_at: string; updated_at: string;
}
export interface CatalogVersionTable {
  id: string; township_id: string; version: number; name: string; effective_from: string;
  status: Generated<string>; published_at: string | null;
}
export interface IndicatorTable {
  id: string; catalog_version_id: string; code: string; category: string;
  name_zh: string; name_en: string; sign: number; points_min: number; points_max: number;
  cap_count: number | null; cap_period: string | null; evidence_required: Generated<number>;
  subject: Generated<string>; recorder_roles: Generated<string>; sort: Generated<number>;
}
export interface NoticeTable {
  id: string; village_id: string; starts_at: string; ends_at: string; status: Generated<string>;
  created_by: string; created_at: string;
}
export interface EntryTable {
  id: string; village_id: string; household_id: string; person_id: string | null;
  catalog_version_id: string; indicator_code: string; occurred_on: string; points: number;
  note: Generated<string>; recorder_id: string; device_id: string; device_seq: Generated<number>;
  state: string; reverses: string | null; notice_id: string | null; content_hash: string;
  client_created_at: string; created_at: string; updated_at: string;
}
export interface EntryEventTable {
  id: string; entry_id: string; village_id: string; from_state: string | null; to_state: string;
  actor_id: string; reason: Generated<string>; at: string;
}
export interface UserTable {
  id: string; username: string | null; display_name: string; role: string;
  township_id: string | null; household_id: string | null; phone: string | null;
  password_hash: string | null; pin_hash: string | null; active: Generated<number>; created_at: string;
}
export interface UserVillageTable { user_id: string; village_id: string }
export interface SessionTable {
  id: string; user_id: string; created_at: string; expires_at: string; revoked_at: string | null;
  /** Migration 0016: inactivity expiry, and the QR slip that opened the session. */
  last_seen_at: string | null; qr_token_id: string | null;
}
export interface LoginAttemptTable { key: string; failures: Generated<number>; window_start: string }
export interface SyncMutationTable {
  id: string; user_id: string; device_id: string; device_seq: number; kind: string;
  content_hash: string; status: string; code: string | null; entity_id: string | null; received_at: string;
  /** 0002: the stored answer's message and conflicting fields (comma-separated), for replays. */
  message: string | null; fields: string | null;
}
/** 0002: the household version at which a field last changed (field-level merge). */
export interface HouseholdFieldVersionTable { household_id: string; field: string; version: number }
/** 0003: the person version at which each field last changed (person.update merge). */
export interface PersonFieldVersionTable { person_id: string; field: string; version: number }
/** 0002: a field edit from a phone that lost a merge, kept for the village admin to review. */
export interface SyncConflictTable {
  id: string; village_id: string; entity: string; entity_id: string; field: string;
  base_version: number; server_value: string; client_value: string; mutation_id: string;
  user_id: string; status: Generated<string>; created_at: string;
  resolved_by: string | null; resolved_at: string | null;
}
export interface ChangeTable { entity: string; entity_id: string; scope: string; seq: number; op: string }

// ---- due-review (issue 12, migration 0004): basis, state reason, revisions of resubmitted entries
/** 0004 columns of entries (declared apart so the block above stays as it was). */
export interface EntryReviewColumns {
  basis_kind: string | null; basis_text: string | null; state_reason: Generated<string>; revision: Generated<number>;
}
/** 0019 (retention, guardrail 8): when a deduction three years old was anonymised (null: not yet). */
export interface EntryRetentionColumns { anonymised_at: string | null }
export interface EntryRevisionTable {
  id: string; entry_id: string; revision: number; person_id: string | null; catalog_version_id: string;
  indicator_code: string; occurred_on: string; points: number; note: string; state_reason: string;
  replaced_by: string; replaced_at: string;
}
// ---- 0006 tallies, periods, anomalies, catalogue (issue 12: due-tally) ----------------------
type Counter = Generated<number>;
export interface TallyHouseholdTable {
  household_id: string; year: number; village_id: string;
  effective_points: Counter; positive_points: Counter; deduction_points: Counter; big_deductions: Counter;
  effective_entries: Counter; live_entries: Counter; participating_entries: Counter; pending_points: Counter;
}
export interface TallyDeductionTable { household_id: string; occurred_on: string; village_id: string; points: Counter; big_count: Counter }
export interface TallyVillageTable {
  village_id: string; year: number;
  points_issued: Counter; deduction_points: Counter; live_entries: Counter; effective_entries: Counter;
  participating_households: Counter; awaiting_review: Counter; awaiting_created_days: Counter;
  publicized_entries: Counter; publicized_on_time: Counter; objected_entries: Counter;
  /** Ranking figures (migration 0024), recomputed by the tally writer; NULL base = not computed yet. */
  figures_base: number | null; households: number | null; median_standing: number | null;
  stars1_households: number | null; stars2_households: number | null; stars3_households: number | null;
  stars4_households: number | null; stars5_households: number | null;
}
export interface TallyVillageMonthTable {
  village_id: string; month: string; points_issued: Counter; deduction_points: Counter; live_entries: Counter; effective_entries: Counter;
}
export interface TallyRebuiltTable { village_id: string; rebuilt_at: string }
export interface PeriodClosureTable { village_id: string; period_key: string; cadence: string; closed_at: string }
export interface PeriodSnapshotTable { village_id: string; period_key: string; household_id: string; standing: number; stars: number; on_board: Generated<number> }
export interface AnomalyFlagTable {
  id: string; township_id: string; village_id: string | null; kind: string; subject_id: string; day: string | null;
  score: Generated<number>; reason_zh: string; computed_at: string;
}
/** 0006 columns added to existing tables (kept apart so the original interfaces stay as they were). */
type OptionalNullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
export interface IndicatorTable0006 { basis_kind: OptionalNullable<string> }
export interface TownshipTable0006 { cadence: Generated<string>; recorder_day_cap: OptionalNullable<number> }
export interface VillageTable0006 { cadence: OptionalNullable<string> }

export interface Database {
  townships: TownshipTable & TownshipTable0006;
  villages: VillageTable & VillageTable0006;
  households: HouseholdTable;
  persons: PersonTable;
  catalog_versions: CatalogVersionTable;
  indicators: IndicatorTable & IndicatorTable0006;
  notices: NoticeTable;
  entries: EntryTable & EntryReviewColumns & EntryRetentionColumns;
  entry_events: EntryEventTable;
  users: UserTable;
  user_villages: UserVillageTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  sync_mutations: SyncMutationTable;
  changes: ChangeTable;
  household_field_versions: HouseholdFieldVersionTable;
  person_field_versions: PersonFieldVersionTable;
  sync_conflicts: SyncConflictTable;
  entry_revisions: EntryRevisionTable;
  notice_links: NoticeLinkTable;
  village_notice_settings: VillageNoticeSettingTable;
  objections: ObjectionTable;
  tally_households: TallyHouseholdTable;
  tally_deductions: TallyDeductionTable;
  tally_villages: TallyVillageTable;
  tally_village_months: TallyVillageMonthTable;
  tally_rebuilt: TallyRebuiltTable;
  period_closures: PeriodClosureTable;
  period_snapshots: PeriodSnapshotTable;
  anomaly_flags: AnomalyFlagTable;
  credit_records: CreditRecordTable;
  credit_record_events: CreditRecordEventTable;
  credit_kinds: CreditKindTable;
  credit_grade_rules: CreditGradeRuleTable;
  credit_perks: CreditPerkTable;
  credit_rounds: CreditRoundTable;
  credit_ratings: CreditRatingTable;
  credit_round_results: CreditRoundResultTable;
  credit_sample_checks: CreditSampleCheckTable;
  credit_requests: CreditRequestTable;
  evidence_blobs: EvidenceBlobTable;
  evidence_chunks: EvidenceChunkTable;
  entry_evidence: EntryEvidenceTable;
  credit_record_evidence: CreditRecordEvidenceTable;
  scheduled_jobs: ScheduledJobTable;
  job_runs: JobRunTable;
  rate_limits: RateLimitTable;
  household_consents: HouseholdConsentTable;
  audit_log: AuditLogTable;
  ledger_accounts: LedgerAccountTable;
  ledger_transfers: LedgerTransferTable;
  ledger_legs: LedgerLegTable;
  shop_items: ShopItemTable;
  shop_redemptions: ShopRedemptionTable;
  points_expiry_runs: PointsExpiryRunTable;
  payout_rounds: PayoutRoundTable;
  payout_lists: PayoutListTable;
  payout_items: PayoutItemTable;
  resident_qr_tokens: ResidentQrTokenTable;
  correction_requests: CorrectionRequestTable;
  roster_imports: RosterImportTable;
  anomaly_checks: AnomalyCheckTable;
}

// Residents (migration 0016).
export interface ResidentQrTokenTable {
  id: string; household_id: string; village_id: string; user_id: string; token_hash: string;
  created_by: string; created_at: string; revoked_by: string | null; revoked_at: string | null;
}
export interface CorrectionRequestTable {
  id: string; household_id: string; village_id: string; person_id: string | null; field: string;
  requested: Generated<string>; note: Generated<string>; status: Generated<string>; filed_by: string; created_at: string;
  resolved_by: string | null; resolved_at: string | null; resolution_note: string | null;
}

// Public notice, objections and settlement (migration 0005).
export interface NoticeLinkTable { notice_id: string; token_hash: string; period_from: string | null; period_to: string | null }
export interface VillageNoticeSettingTable { village_id: string; names_on_deductions: number; updated_by: string; updated_at: string }
export interface ObjectionTable {
  id: string; notice_id: string; entry_id: string; village_id: string; household_id: string;
  filed_by: string | null; filer_household_id: string | null; filer_name: string | null; filer_phone: string | null;
  grounds: string; status: Generated<string>; resolution_reason: string | null; resolved_by: string | null;
  resolved_at: string | null; replacement_entry_id: string | null; receipt_hash: string | null; created_at: string;
}

// ---- field-entry: credit-information records (migrations/0008_credit_records.ts) -------------
export interface CreditRecordTable {
  id: string;
  village_id: string;
  household_id: string;
  person_id: string | null;
  kind: string;
  source: string;
  occurred_on: string;
  document_no: string;
  note: string;
  state: string;
  recorder_id: string;
  device_id: string;
  content_hash: string;
  client_created_at: string;
  created_at: string;
  updated_at: string;
  // migrations/0013_credit_ledger.ts
  reverses: string | null;
  state_reason: Generated<string>;
  issuer: Generated<string>;
  repaired_on: string | null;
}

export interface CreditRecordEventTable {
  id: string;
  record_id: string;
  village_id: string;
  from_state: string | null;
  to_state: string;
  actor_id: string;
  reason: string;
  at: string;
}

// ---- The credit ledger (issue 7; migrations/0013_credit_ledger.ts) --------------------------
export interface CreditKindTable {
  id: string; township_id: string; code: string; name_zh: string; name_en: string; negative: number;
  document_required: number; sources: string; active: Generated<number>; sort: Generated<number>; created_at: string;
}
export interface CreditGradeRuleTable {
  id: string; township_id: string; version: number; effective_from: string; rules: string; note: Generated<string>;
  created_by: string; created_at: string;
}
export interface CreditPerkTable {
  id: string; township_id: string; min_grade: string; name: string; provider: string; conditions: Generated<string>;
  active: Generated<number>; sort: Generated<number>; created_at: string; updated_at: string;
}
export interface CreditRoundTable {
  id: string; village_id: string; period_label: string; status: string; created_by: string; created_at: string;
  posted_at: string | null; objection_ends_at: string | null; fixed_at: string | null; sample_share: number | null;
}
export interface CreditRatingTable {
  id: string; round_id: string; village_id: string; household_id: string; rater_id: string; grade: string | null;
  unknown_reason: string | null; created_at: string;
}
export interface CreditRoundResultTable {
  round_id: string; household_id: string; village_id: string; grade: string; flagged: Generated<number>;
  resolution_note: Generated<string>; decided_by: string | null; created_at: string;
}
export interface CreditSampleCheckTable {
  round_id: string; household_id: string; village_id: string; grade: string | null; agrees: number | null;
  note: Generated<string>; checked_by: string | null; checked_at: string | null;
}
export interface CreditRequestTable {
  id: string; kind: string; village_id: string; household_id: string; record_id: string | null; round_id: string | null;
  grounds: string; status: string; resolution: Generated<string>; filed_by: string; created_at: string;
  resolved_by: string | null; resolved_at: string | null;
}

// ---- Photo evidence (issue 13, field-media; migrations/0009_evidence.ts) ---------------------
export interface EvidenceBlobTable {
  sha256: string; size: number; mime: string; received: Generated<number>; complete: Generated<number>;
  uploaded_by: string; created_at: string; completed_at: string | null;
}
/** PostgreSQL only: the photo's bytes, one row per uploaded chunk. */
export interface EvidenceChunkTable { sha256: string; byte_offset: number; data: Uint8Array }
export interface EntryEvidenceTable {
  entry_id: string; sha256: string; position: number; size: number; mime: string; taken_at: string;
  gps_lat: number | null; gps_lon: number | null; gps_accuracy: number | null;
}
/** Photos of a credit record (0020): the same content-addressed evidence_blobs as entries'; no place (guardrail 7). */
export interface CreditRecordEvidenceTable {
  record_id: string; sha256: string; position: number; size: number; mime: string; taken_at: string;
}

// --- background jobs (0010, server/jobs/) ---------------------------------------------------------
/** A recurring job: when it is next due and which process holds its lease. */
export interface ScheduledJobTable {
  name: string; next_run_at: string; lease_owner: string | null; lease_until: string | null;
  last_finished_at: string | null; last_error: string | null;
}
/** One claimed run of a job, keyed by (job, due_at): a due slot is claimed once. */
export interface JobRunTable {
  job: string; due_at: string; worker: string; started_at: string;
  finished_at: string | null; outcome: string | null; items: number | null; error: string | null;
}

// --- operations (issue 10): per-user rate limits, 0011 ---
/** A fixed-window request counter per key ('sync:<userId>', 'export:<userId>'). */
export interface RateLimitTable { key: string; window_start: number; count: number }

// ---- shared: consent per purpose and the audit log (migrations/0012_consents_audit.ts) ---------
export interface HouseholdConsentTable {
  id: string; household_id: string; village_id: string; purpose: string; granted: number;
  person_id: string | null; recorded_by: string; at: string;
}
export interface AuditLogTable {
  id: string; township_id: string; village_id: string | null; actor_id: string; action: string;
  subject_kind: Generated<string>; subject_id: Generated<string>; row_count: number | null;
  detail: Generated<string>; at: string;
}

// ---- ledger and points shop (issue 8, migrations/0014_ledger_shop.ts) -----------------------
export interface LedgerAccountTable { id: string; township_id: string; kind: string; owner_id: string; item_id: string; year: number; created_at: string }
export interface LedgerTransferTable {
  id: string; idempotency_key: string; body_hash: string; kind: string; unit: string; status: string;
  township_id: string; village_id: string | null; memo: string; actor_id: string; at: string;
  settled_by: string | null; settled_at: string | null;
}
/** amount is bigint on both dialects; pg returns it as a string, so reads convert with Number(). */
export interface LedgerLegTable { transfer_id: string; account_id: string; amount: ColumnType<number | string, number, number>; status: string; at: string }
export interface ShopItemTable {
  id: string; township_id: string; village_id: string; name: string; unit_name: string; points_price: number;
  active: number; created_by: string; created_at: string; updated_at: string;
}
export interface ShopRedemptionTable {
  id: string; township_id: string; village_id: string; household_id: string; item_id: string; quantity: number; points: number;
  status: string; points_transfer_id: string; stock_transfer_id: string; requested_by: string; requested_role: string;
  requested_at: string; expires_at: string; settled_by: string | null; settled_at: string | null;
  proof_kind: string | null; proof_sha256: string | null; reason: string;
}
export interface PointsExpiryRunTable { year: number; expired_households: number; expired_points: ColumnType<number | string, number, number>; finished_at: string }

// ---- cash incentives (issue 8, migrations/0015_payouts.ts) -----------------------------------
export interface PayoutRoundTable {
  id: string; township_id: string; period_key: string; title: string; amounts: string; post_days: number; created_by: string; created_at: string;
}
/** total_fen and amount_fen are bigint; pg returns them as strings, so reads convert with Number(). */
export interface PayoutListTable {
  id: string; township_id: string; round_id: string; village_id: string; period_key: string; status: string;
  total_fen: ColumnType<number | string, number, number>; household_count: number;
  posted_by: string | null; posted_at: string | null; post_ends_at: string | null;
  village_approved_by: string | null; village_approved_at: string | null;
  township_approved_by: string | null; township_approved_at: string | null;
  paid_by: string | null; paid_at: string | null; created_at: string;
}
export interface PayoutItemTable {
  id: string; township_id: string; list_id: string; village_id: string; household_id: string; stars: number; standing: number;
  amount_fen: ColumnType<number | string, number, number>; status: string; pay_transfer_id: string | null; return_transfer_id: string | null;
  reason: Generated<string>; settled_by: string | null; settled_at: string | null;
}

// ---- township office: roster imports (migrations/0018_township_office.ts) --------------------
export interface RosterImportTable {
  id: string; township_id: string; village_id: string; file_name: string; file_format: string; file_sha256: string;
  file_size: number; file_cipher: string; status: Generated<string>; rows_total: Generated<number>; rows_done: Generated<number>;
  counts: Generated<string>; report: Generated<string>; problem: string | null; created_by: string; created_at: string;
  applied_by: string | null; applied_at: string | null; applied_counts: string | null;
}

// ---- console: anomaly checks (migrations/0017_console.ts) ------------------------------------
export interface AnomalyCheckTable {
  id: string; township_id: string; village_id: string | null; kind: string; subject_id: string; day: Generated<string>;
  note: string; checked_by: string; checked_at: string;
}
