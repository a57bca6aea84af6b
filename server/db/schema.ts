// Row types of every table, as Kysely sees them. Snake_case stays here and in repositories;
// repositories map rows to camelCase DTOs (shared/ types) before anything leaves the server layer.
import type { Generated } from 'kysely';

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

export interface Database {
  townships: TownshipTable;
  villages: VillageTable;
  households: HouseholdTable;
  persons: PersonTable;
  catalog_versions: CatalogVersionTable;
  indicators: IndicatorTable;
  notices: NoticeTable;
  entries: EntryTable;
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
  rate_limits: RateLimitTable;
}

// --- operations (issue 10): per-user rate limits, 0011 ---
/** A fixed-window request counter per key ('sync:<userId>', 'export:<userId>'). */
export interface RateLimitTable { key: string; window_start: number; count: number }
