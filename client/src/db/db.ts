// The one typed Dexie database of the app. Dexie (IndexedDB) is the phone's source of truth for a
// collector's work until the server acknowledges it. Bump the schema version for every change.
import { Dexie, type EntityTable, type Table, type Transaction } from 'dexie';
import type {
  CatalogVersionDto, CreditKindDto, CreditRecordDto, EntryDto, HouseholdDto, IndicatorDto, PersonDto, VillageDto,
} from '../../../shared/protocol/tables';
import type { LocalEntryState } from '../../../shared/domain/entry-state';
import type { Mutation, MutationStatus } from '../../../shared/protocol/sync';

/** Key/value rows: deviceId, deviceSeq, `cursor:<scope>`, lastSyncAt, user, … */
export interface MetaRow {
  key: string;
  value: unknown;
}

/** Why the server refused an item; kept on the outbox item and shown on its entry. */
export interface SyncIssue {
  status: Exclude<MutationStatus, 'applied' | 'duplicate'>;
  code: string;
  message: string;
}

/** An entry as the phone holds it: the server's row, or a local one not yet acknowledged. */
export interface LocalEntry extends Omit<EntryDto, 'state'> {
  state: LocalEntryState;
  /** Set when the server refused the entry's mutation; the collector has to look at it. */
  syncIssue?: SyncIssue | null;
}

export type OutboxStatus = 'pending' | 'attention';

/** A mutation waiting for the server, plus the phone's bookkeeping around it. */
export type OutboxItem = Mutation & {
  status: OutboxStatus;
  attempts: number;
  /** `fields`: of a field_conflict, the fields whose server value was kept (not the collector's). */
  lastError: { code: string; message: string; fields?: string[] } | null;
  /** Id of the record the mutation is about (the entry id for entry.*). */
  entityId: string;
  /** The user who made it: only that user's session may send it. */
  userId: string;
  /**
   * Village the change belongs to (set since issue 3; older items are resolved through their
   * entry). A village leaving the user's scope is purged only when no item names it.
   */
  villageId?: string;
  /** When the item was last written to an export file (logout needs every unsent item exported). */
  exportedAt?: string | null;
  /** The collector looked at a refused item and chose to keep it (no longer flagged as new). */
  keptAt?: string | null;
};

/**
 * Server rows of one household's entries, as stored by one pull page: a household's entries are
 * the union of its records, the row in the record with the higher `seq` winning (db/entries.ts).
 * The phone's own entries not yet back from the server are in `entries`.
 */
export interface HouseholdEntries {
  householdId: string;
  /** Write number on this phone (meta entryWriteSeq): a later record's row wins. */
  seq: number;
  villageId: string;
  rows: EntryDto[];
}

/**
 * A half-filled form (entry or credit record), saved as the collector types (db/drafts.ts). Never
 * sent: only saving the form makes an outbox item. Holds no ID number in clear.
 */
export interface DraftRow {
  /** `${kind}:${userId}:${householdId}`: one draft per form and household for a user. */
  id: string;
  kind: 'entry' | 'credit';
  userId: string;
  householdId: string;
  villageId: string;
  /** The form's fields, as the form defines them (domain/drafts.ts). */
  fields: Record<string, unknown>;
  updatedAt: string;
}

/**
 * A credit-information record on the phone (field-entry): the server's row (pulled), or this
 * phone's own record not yet acknowledged ('queued'). Its own table: never mixed with entries.
 */
export interface LocalCreditRecord extends Omit<CreditRecordDto, 'state'> {
  state: 'queued' | CreditRecordDto['state'];
  syncIssue?: SyncIssue | null;
  /** This phone's own record: the photos it took (db/evidence.ts), shown until they leave the phone. */
  evidenceHashes?: string[];
}

export class CunxinDb extends Dexie {
  meta!: EntityTable<MetaRow, 'key'>;
  villages!: EntityTable<VillageDto, 'id'>;
  households!: EntityTable<HouseholdDto, 'id'>;
  persons!: EntityTable<PersonDto, 'id'>;
  entries!: EntityTable<LocalEntry, 'id'>;
  catalogVersions!: EntityTable<CatalogVersionDto, 'id'>;
  indicators!: EntityTable<IndicatorDto, 'id'>;
  outbox!: EntityTable<OutboxItem, 'id'>;
  householdEntries!: Table<HouseholdEntries, [string, number]>;
  drafts!: EntityTable<DraftRow, 'id'>;
  creditRecords!: EntityTable<LocalCreditRecord, 'id'>;
  creditKinds!: EntityTable<CreditKindDto, 'id'>;

  constructor(name = 'cunxin') {
    super(name);
    this.version(1).stores({
      meta: 'key',
      villages: 'id, townshipId',
      households: 'id, villageId',
      persons: 'id, householdId, villageId',
      entries: 'id, householdId, villageId, state',
      catalogVersions: 'id, townshipId',
      indicators: 'id, catalogVersionId',
      outbox: 'id, deviceSeq, status, entityId',
    });
    // Version 2: the server's entries are stored in records of one household's rows from one pull
    // page (householdEntries), not one record per entry. IndexedDB pays for every record written
    // (~0.1 ms each in Chromium on our 2-core test machine, more on a cheap phone, plus every
    // index entry), so a bootstrap of a village with 20,000 entries writes ~500 records per page
    // instead of 20,000 in all. `entries` keeps only this phone's own entries until the server's
    // row for them has arrived (db/entries.ts).
    this.version(2)
      .stores({ entries: 'id, householdId', householdEntries: '[householdId+seq], householdId, villageId' })
      .upgrade(moveServerEntriesIntoHouseholds);
    // Version 3 (field-entry): drafts of the entry and credit-record forms; credit records.
    this.version(3).stores({ drafts: 'id, userId, householdId', creditRecords: 'id, householdId, villageId' });
    // Version 4 (issue 7): the township's credit kinds (pulled, township scope).
    this.version(4).stores({ creditKinds: 'id, townshipId' });
  }
}

/** Schema 1 → 2: entries the server already has move into their household's record. */
async function moveServerEntriesIntoHouseholds(tx: Transaction): Promise<void> {
  const bundles = new Map<string, HouseholdEntries>();
  await tx.table<LocalEntry>('entries').each((e) => {
    if (e.state === 'queued') return;
    const bundle = bundles.get(e.householdId) ?? { householdId: e.householdId, seq: 0, villageId: e.villageId, rows: [] };
    const { syncIssue: _issue, ...row } = e;
    bundle.rows.push(row as EntryDto);
    bundles.set(e.householdId, bundle);
  });
  await tx.table('householdEntries').bulkPut([...bundles.values()]);
  await tx.table<LocalEntry>('entries').filter((e) => e.state !== 'queued').delete();
}

export const db = new CunxinDb();
