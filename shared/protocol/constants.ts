// The sync protocol's numbers and scope names (shared/protocol/sync.ts re-exports them). Kept free
// of zod so that the phone's first screen can use them without loading the schemas.
export const PROTOCOL_VERSION = 1;
/**
 * Bumped when the shape of pulled tables changes; older clients are told to update.
 * 2: column-packed tables (RowTable.n / cols, EncodedColumn), rows ordered by id.
 */
export const SCHEMA_VERSION = 2;
export const MAX_BATCH_ITEMS = 500;
export const MAX_BODY_BYTES = 512 * 1024;
/** Rows per answer when the phone does not say: a 20,000-entry village bootstraps in 5 pages. */
export const DEFAULT_PULL_LIMIT = 5000;
export const MAX_PULL_LIMIT = 5000;
/** Device timestamps further ahead than this are rejected per item (clock skew guard). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const scopeOfVillage = (villageId: string) => `village:${villageId}`;
export const scopeOfTownship = (townshipId: string) => `township:${townshipId}`;

export const MUTATION_STATUSES = ['applied', 'duplicate', 'conflict', 'rejected', 'forbidden'] as const;
export type MutationStatus = (typeof MUTATION_STATUSES)[number];
