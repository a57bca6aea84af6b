// The sync protocol: the one contract between a phone's outbox and POST /api/sync.
// docs/sync-protocol.md describes it in prose; this file is the authority for shapes.
import { z } from 'zod';

// The numbers and scope names live in constants.ts (no zod: the phone's first screen needs them
// without the schemas); re-exported here so that this file stays the one place to import from.
import { MAX_BATCH_ITEMS, MAX_PULL_LIMIT } from './constants';
export {
  PROTOCOL_VERSION, SCHEMA_VERSION, MAX_BATCH_ITEMS, MAX_BODY_BYTES, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_FUTURE_SKEW_MS,
  scopeOfVillage, scopeOfTownship, MUTATION_STATUSES,
} from './constants';
export type { MutationStatus } from './constants';
import type { MutationStatus } from './constants';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'invalid uuid');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** One photo of an entry (shared/domain/evidence.ts); its bytes go through PUT /api/evidence/:sha256. */
export const evidenceRef = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case SHA-256 hex'),
  size: z.number().int().min(1),
  type: z.string().max(40),
  takenAt: z.string().datetime(),
  /** Evidence metadata only: never shown on notices or to residents (guardrail 7). */
  gps: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), accuracy: z.number().min(0) }).optional(),
});

export const entryCreatePayload = z.object({
  entryId: uuid,
  householdId: uuid,
  personId: uuid.nullable(),
  catalogVersionId: uuid,
  indicatorCode: z.string().min(1).max(40),
  occurredOn: isoDate,
  points: z.number().int().min(-1000).max(1000),
  note: z.string().max(500),
  reverses: uuid.nullable(),
  /** Additive (issue 13): the entry's photos; absent means none. Limits are checked per item. */
  evidence: z.array(evidenceRef).max(20).optional(),
});
export type EntryCreatePayload = z.infer<typeof entryCreatePayload>;

export const entryWithdrawPayload = z.object({ entryId: uuid, reason: z.string().max(500) });
export type EntryWithdrawPayload = z.infer<typeof entryWithdrawPayload>;

/**
 * A returned entry corrected by its recorder (issue 12): the corrected fields, and the revision
 * that was returned (EntryDto.revision). The household and the id stay; the server keeps the
 * earlier version and submits the entry for review again.
 */
export const entryResubmitPayload = entryCreatePayload
  .pick({ entryId: true, personId: true, catalogVersionId: true, indicatorCode: true, occurredOn: true, points: true, note: true, evidence: true })
  // Additive (issue 13): `evidence` are photos ADDED by the correction (those the entry has stay).
  .extend({ revision: z.number().int().min(1) });
export type EntryResubmitPayload = z.infer<typeof entryResubmitPayload>;

/** Field-level edit of a household: only the changed fields, and the version they were based on. */
export const householdUpdatePayload = z.object({
  householdId: uuid,
  baseVersion: z.number().int().min(1),
  fields: z.object({
    headName: z.string().optional(),
    phone: z.string().nullable().optional(),
    groupNo: z.number().int().min(1).max(999).optional(),
    status: z.enum(['active', 'merged', 'split', 'moved-out']).optional(),
    consentPublic: z.boolean().optional(),
  }),
});
export type HouseholdUpdatePayload = z.infer<typeof householdUpdatePayload>;

/** Field-level edit of a person (household member), like householdUpdatePayload. */
export const personUpdatePayload = z.object({
  personId: uuid,
  baseVersion: z.number().int().min(1),
  fields: z.object({
    name: z.string().optional(),
    relation: z.string().optional(),
    birthYear: z.number().int().min(1900).max(2100).nullable().optional(),
    phone: z.string().nullable().optional(),
    /** A new ID number, sealed on the phone (sealedIdNumber); null removes the stored one. */
    idSealed: z.lazy(() => sealedIdNumber).nullable().optional(),
  }),
});
export type PersonUpdatePayload = z.infer<typeof personUpdatePayload>;

// ---- Roster edits in the field (issue 13, field-roster). Additive kinds; docs/sync-protocol.md
// "Roster edits" describes them.

/**
 * An ID number sealed to the server's public key on the phone (ECDH P-256 + HKDF-SHA256 +
 * AES-256-GCM, scheme "e1": server/security/id-transport.ts). The phone never sends, nor keeps,
 * a clear ID number.
 */
export const MAX_SEALED_ID_LENGTH = 400;
export const sealedIdNumber = z.string().max(MAX_SEALED_ID_LENGTH).regex(/^e1(\.[A-Za-z0-9_-]+){4}$/, 'expected a sealed ID number');

export const householdCreatePayload = z.object({
  householdId: uuid,
  villageId: uuid,
  /** The number the phone proposed; a taken one is replaced by the next free number (answer code household_no_reassigned). */
  householdNo: z.string().min(1).max(20),
  groupNo: z.number().int().min(1).max(999),
  headName: z.string(),
  phone: z.string().nullable(),
});
export type HouseholdCreatePayload = z.infer<typeof householdCreatePayload>;

export const personCreatePayload = z.object({
  personId: uuid,
  householdId: uuid,
  name: z.string(),
  relation: z.string(),
  birthYear: z.number().int().min(1900).max(2100).nullable(),
  phone: z.string().nullable(),
  idSealed: sealedIdNumber.nullable(),
});
export type PersonCreatePayload = z.infer<typeof personCreatePayload>;

/** Removes a member (died, married out, registered twice): a soft delete the pull carries as a tombstone. */
export const personRemovePayload = z.object({ personId: uuid, reason: z.string().max(200) });
export type PersonRemovePayload = z.infer<typeof personRemovePayload>;

/** Moves a member to another household of the same village; merged like a person field ('householdId'). */
export const personMovePayload = z.object({ personId: uuid, baseVersion: z.number().int().min(1), toHouseholdId: uuid });
export type PersonMovePayload = z.infer<typeof personMovePayload>;
/**
 * A credit-information record (field-entry; shared/domain/credit.ts has the kinds, sources and
 * the document rule). Person-level records name the person; no ID number travels in clear.
 */
export const creditCreatePayload = z.object({
  recordId: uuid,
  householdId: uuid,
  personId: uuid.nullable(),
  kind: z.string().min(1).max(40),
  source: z.string().min(1).max(40),
  occurredOn: isoDate,
  documentNo: z.string().max(200),
  note: z.string().max(2000),
  /**
   * Additive (issue 7): the court or office that issued the document; a negative kind needs it
   * (国办发〔2020〕49号: a legally effective document, its number and its issuer). Absent means ''.
   */
  issuer: z.string().max(200).optional(),
  /** Additive (issue 13): the record's photos, uploaded like entries' (PUT /api/evidence/:sha256). */
  evidence: z.array(evidenceRef).max(20).optional(),
});
export type CreditCreatePayload = z.infer<typeof creditCreatePayload>;

export const creditWithdrawPayload = z.object({ recordId: uuid, reason: z.string().max(500) });
export type CreditWithdrawPayload = z.infer<typeof creditWithdrawPayload>;

/**
 * A points-shop hand-over done on the clerk's phone, offline if need be (issue 8): the redemption
 * (reserved on the server) is posted when this reaches the server, which checks the points and
 * stock then. A hand-over that can no longer be honoured is `rejected` with a code saying why.
 */
export const shopHandoverPayload = z.object({
  redemptionId: uuid,
  proofKind: z.enum(['photo', 'signature']),
  proofSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ShopHandoverPayload = z.infer<typeof shopHandoverPayload>;

const mutationBase = {
  id: uuid, // UUIDv7, generated on the phone; the idempotency key
  deviceSeq: z.number().int().min(0), // per-device sequence, increasing
  at: z.string().datetime(), // device time, advisory only
};
export const mutationSchema = z.discriminatedUnion('kind', [
  z.object({ ...mutationBase, kind: z.literal('entry.create'), payload: entryCreatePayload }),
  z.object({ ...mutationBase, kind: z.literal('entry.withdraw'), payload: entryWithdrawPayload }),
  z.object({ ...mutationBase, kind: z.literal('household.update'), payload: householdUpdatePayload }),
  // Additive kind (PROTOCOL_VERSION unchanged): a server without it rejects the item, not the batch.
  z.object({ ...mutationBase, kind: z.literal('person.update'), payload: personUpdatePayload }),
  // Additive kind (issue 12): a returned entry corrected and submitted again.
  z.object({ ...mutationBase, kind: z.literal('entry.resubmit'), payload: entryResubmitPayload }),
  z.object({ ...mutationBase, kind: z.literal('household.create'), payload: householdCreatePayload }),
  z.object({ ...mutationBase, kind: z.literal('person.create'), payload: personCreatePayload }),
  z.object({ ...mutationBase, kind: z.literal('person.remove'), payload: personRemovePayload }),
  z.object({ ...mutationBase, kind: z.literal('person.move'), payload: personMovePayload }),
  // Additive kinds (field-entry): credit-information records, their own ledger.
  z.object({ ...mutationBase, kind: z.literal('credit.create'), payload: creditCreatePayload }),
  z.object({ ...mutationBase, kind: z.literal('credit.withdraw'), payload: creditWithdrawPayload }),
  // Additive kind (issue 8, points shop): a hand-over posted at sync.
  z.object({ ...mutationBase, kind: z.literal('shop.handover'), payload: shopHandoverPayload }),
]);
export type Mutation = z.infer<typeof mutationSchema>;
export type MutationKind = Mutation['kind'];

/** The record a mutation is about (the outbox's entityId, the server's sync_mutations.entity_id). */
export function mutationEntityId(m: Mutation): string {
  switch (m.kind) {
    case 'entry.create': case 'entry.withdraw': case 'entry.resubmit': return m.payload.entryId;
    case 'household.update': case 'household.create': return m.payload.householdId;
    case 'person.update': case 'person.create': case 'person.remove': case 'person.move': return m.payload.personId;
    case 'credit.create': case 'credit.withdraw': return m.payload.recordId;
    case 'shop.handover': return m.payload.redemptionId;
  }
}

/**
 * The request envelope. `mutations` items are validated one by one on the server (a bad item
 * gets a `rejected` result, it does not fail the batch); hence `z.unknown()` here.
 */
export const syncRequestSchema = z.object({
  protocol: z.number().int(),
  schema: z.number().int(),
  deviceId: uuid,
  mutations: z.array(z.unknown()).max(MAX_BATCH_ITEMS),
  /** Cursor per scope ('village:<id>', 'township:<id>'); a missing scope starts at 0. */
  cursors: z.record(z.string(), z.number().int().min(0)),
  pullLimit: z.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;


export interface MutationResult {
  id: string;
  status: MutationStatus;
  /** Reason code for rejected / conflict / forbidden, e.g. 'indicator_unknown', 'future_time'. */
  code?: string;
  message?: string;
  /** Conflict code 'field_conflict': the fields whose server value was kept (household.update, person.update). */
  fields?: string[];
}

/**
 * One pulled table, column by column (encodeRows / decodeRows in ./tables.ts are the only code that
 * should build or read one; docs/sync-protocol.md "Page encoding" describes it for other clients).
 */
export interface RowTable {
  /** Number of rows. */
  n: number;
  /** Encoded columns by column name. */
  cols: Record<string, EncodedColumn>;
}

/**
 * One column of `n` values:
 * - `['c', value]`: every row holds `value`;
 * - `['v', values]`: the values, one per row;
 * - `['d', dictionary, indexes]`: distinct non-null values (an encoded column of their own) and,
 *   per row, an index into them (-1: null);
 * - `['s', default, gaps, others]`: every row holds `default` except some: `gaps` are the distances
 *   between their row indexes (the first counted from -1), `others` (encoded) their values;
 * - `['u', version, deltas, hex]`: UUIDs: `version` is the version digit all share ('' if they do
 *   not), `deltas` the differences of their 48-bit time fields (the first from 0), `hex` the
 *   remaining 19 (20 without a shared version) hex digits of each, concatenated;
 * - `['t', null | 'id', deltas]`: instants (ISO 8601, as Date#toISOString writes them) as
 *   milliseconds: differences from the previous row (the first from 0), or offsets from the time
 *   field of the same row's UUIDv7 `id`;
 * - `['y', deltas]`: calendar dates 'YYYY-MM-DD' as differences of day numbers (days since
 *   1970-01-01; the first from 0).
 */
export type EncodedColumn =
  | ['c', unknown]
  | ['v', unknown[]]
  | ['d', EncodedColumn, number[]]
  | ['s', unknown, number[], EncodedColumn]
  | ['u', string, number[], string]
  | ['t', string | null, number[]]
  | ['y', number[]];

export type PulledEntity = 'village' | 'household' | 'person' | 'entry' | 'catalogVersion' | 'indicator' | 'creditRecord' | 'creditKind';

export interface ScopeChanges {
  scope: string;
  /** Upserted rows by entity (in no particular order: each entity appears once per page). */
  tables: Partial<Record<PulledEntity, RowTable>>;
  /** Deleted rows (tombstones). */
  deleted: { entity: PulledEntity; id: string }[];
  /** Cursor to send next time for this scope; store it in the same transaction as the rows. */
  cursor: number;
  hasMore: boolean;
}

export interface SyncResponse {
  protocol: number;
  serverTime: string;
  results: MutationResult[];
  /** Every scope the user may see now; the client drops others once its outbox is empty. */
  scopes: string[];
  changes: ScopeChanges[];
  hasMore: boolean;
}

