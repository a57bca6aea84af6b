// Complete row shapes of the seeded tables: every column present (no database defaults), so the
// bulk writers can bind rows by name on SQLite and by column arrays on PostgreSQL.
import type { Selectable } from 'kysely';
import type { Database, EntryRetentionColumns, EntryReviewColumns } from '../db/schema';

/**
 * Columns added by later migrations that seeds leave to their database defaults: 0004's review
 * columns (basis, state reason, revision), 0006's cadence, day cap and basis kind, and 0019's
 * anonymised_at (null: not anonymised).
 */
type LeftToDefaults = 'cadence' | 'recorder_day_cap' | 'basis_kind';
export type Row<T extends keyof Database> = T extends 'entries'
  ? Omit<Selectable<Database['entries']>, keyof EntryReviewColumns | keyof EntryRetentionColumns | LeftToDefaults>
  : Omit<Selectable<Database[T]>, LeftToDefaults>;

export type TownshipRow = Row<'townships'>;
export type VillageRow = Row<'villages'>;
export type HouseholdRow = Row<'households'>;
export type PersonRow = Row<'persons'>;
export type CatalogVersionRow = Row<'catalog_versions'>;
export type IndicatorRow = Row<'indicators'>;
export type NoticeRow = Row<'notices'>;
export type EntryRow = Row<'entries'>;
export type EntryEventRow = Row<'entry_events'>;
export type UserRow = Row<'users'>;
export type UserVillageRow = Row<'user_villages'>;
export type ChangeRow = Row<'changes'>;

/** The tables a seed writes, in an order that satisfies the foreign keys. */
export const SEED_TABLES = [
  'townships', 'villages', 'households', 'persons', 'catalog_versions', 'indicators', 'notices',
  'entries', 'entry_events', 'users', 'user_villages', 'changes',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

/**
 * Column names and PostgreSQL types per table, in schema order. The PostgreSQL writer needs the
 * types for `unnest($1::text[], $2::int[], …)`; a test writes every table, so a column added to
 * the schema and missed here fails loudly.
 */
export const SEED_COLUMNS: { [T in SeedTable]: readonly (readonly [keyof Row<T> & string, 'text' | 'int'])[] } = {
  townships: [['id', 'text'], ['code', 'text'], ['name', 'text'], ['base_points', 'int'], ['notice_days', 'int'], ['change_seq', 'int'], ['created_at', 'text']],
  villages: [['id', 'text'], ['township_id', 'text'], ['code', 'text'], ['name', 'text'], ['change_seq', 'int'], ['created_at', 'text']],
  households: [
    ['id', 'text'], ['village_id', 'text'], ['household_no', 'text'], ['group_no', 'int'], ['head_name', 'text'],
    ['phone', 'text'], ['status', 'text'], ['consent_public', 'int'], ['version', 'int'], ['deleted', 'int'],
    ['created_at', 'text'], ['updated_at', 'text'],
  ],
  persons: [
    ['id', 'text'], ['household_id', 'text'], ['village_id', 'text'], ['name', 'text'], ['relation', 'text'],
    ['birth_year', 'int'], ['is_minor', 'int'], ['id_hash', 'text'], ['id_last4', 'text'], ['id_cipher', 'text'],
    ['phone', 'text'], ['version', 'int'], ['deleted', 'int'], ['created_at', 'text'], ['updated_at', 'text'],
  ],
  catalog_versions: [
    ['id', 'text'], ['township_id', 'text'], ['version', 'int'], ['name', 'text'], ['effective_from', 'text'],
    ['status', 'text'], ['published_at', 'text'],
  ],
  indicators: [
    ['id', 'text'], ['catalog_version_id', 'text'], ['code', 'text'], ['category', 'text'], ['name_zh', 'text'],
    ['name_en', 'text'], ['sign', 'int'], ['points_min', 'int'], ['points_max', 'int'], ['cap_count', 'int'],
    ['cap_period', 'text'], ['evidence_required', 'int'], ['subject', 'text'], ['recorder_roles', 'text'], ['sort', 'int'],
  ],
  notices: [
    ['id', 'text'], ['village_id', 'text'], ['starts_at', 'text'], ['ends_at', 'text'], ['status', 'text'],
    ['created_by', 'text'], ['created_at', 'text'],
  ],
  entries: [
    ['id', 'text'], ['village_id', 'text'], ['household_id', 'text'], ['person_id', 'text'], ['catalog_version_id', 'text'],
    ['indicator_code', 'text'], ['occurred_on', 'text'], ['points', 'int'], ['note', 'text'], ['recorder_id', 'text'],
    ['device_id', 'text'], ['device_seq', 'int'], ['state', 'text'], ['reverses', 'text'], ['notice_id', 'text'],
    ['content_hash', 'text'], ['client_created_at', 'text'], ['created_at', 'text'], ['updated_at', 'text'],
  ],
  entry_events: [
    ['id', 'text'], ['entry_id', 'text'], ['village_id', 'text'], ['from_state', 'text'], ['to_state', 'text'],
    ['actor_id', 'text'], ['reason', 'text'], ['at', 'text'],
  ],
  users: [
    ['id', 'text'], ['username', 'text'], ['display_name', 'text'], ['role', 'text'], ['township_id', 'text'],
    ['household_id', 'text'], ['phone', 'text'], ['password_hash', 'text'], ['pin_hash', 'text'], ['active', 'int'],
    ['created_at', 'text'],
  ],
  user_villages: [['user_id', 'text'], ['village_id', 'text']],
  changes: [['entity', 'text'], ['entity_id', 'text'], ['scope', 'text'], ['seq', 'int'], ['op', 'text']],
};

/** Everything one village contributes; written together, so memory stays flat village by village. */
export interface VillageRows {
  village: VillageRow;
  households: HouseholdRow[];
  persons: PersonRow[];
  notices: NoticeRow[];
  entries: EntryRow[];
  events: EntryEventRow[];
  changes: ChangeRow[];
}

export interface TownshipRows {
  township: TownshipRow;
  catalogVersion: CatalogVersionRow;
  indicators: IndicatorRow[];
  changes: ChangeRow[];
}
