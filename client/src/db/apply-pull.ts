// Applies pulled pages to the local database. The rows of a page and the page's new cursor are
// written in ONE transaction: a cursor must never move past data the phone failed to store.
import type { Table } from 'dexie';
import { db } from './db';
import { cursorKey, META, readCursors } from './meta';
import { villageOfItem } from './outbox';
import { deleteEntriesOfVillage, deletePulledEntries, storePulledEntries } from './entries';
import { decodeRows } from '../../../shared/protocol/tables';
import type { PulledEntity, ScopeChanges } from '../../../shared/protocol/sync';
import { SCHEMA_VERSION, scopeOfVillage } from '../../../shared/protocol/constants';

type RowTable = Table<{ id: string }, string>;
type TableEntity = Exclude<PulledEntity, 'entry'>;

// The tables hold different row types; applying a page only needs "rows with an id". Entries are
// stored per household instead (db/entries.ts).
function tableOf(entity: TableEntity): RowTable {
  const tables: Record<TableEntity, unknown> = {
    village: db.villages,
    household: db.households,
    person: db.persons,
    catalogVersion: db.catalogVersions,
    indicator: db.indicators,
    creditRecord: db.creditRecords,
    creditKind: db.creditKinds,
  };
  return tables[entity] as RowTable;
}

const ENTITY_ORDER: PulledEntity[] = ['village', 'catalogVersion', 'indicator', 'creditKind', 'household', 'person', 'entry', 'creditRecord'];
const pulledTables = () => [db.villages, db.households, db.persons, db.entries, db.householdEntries, db.catalogVersions, db.indicators, db.creditRecords, db.creditKinds];

/**
 * Stores the pages of one answer (one per scope) in one transaction. A page that brings nothing
 * and leaves its cursor where it was is skipped.
 */
export async function applyScopeChanges(...pages: ScopeChanges[]): Promise<void> {
  const cursors = await readCursors();
  const work = pages.filter((p) => !isNoop(p, cursors[p.scope]));
  if (work.length === 0) return;
  await db.transaction('rw', [db.meta, ...pulledTables()], async () => {
    for (const page of work) await applyPage(page);
  });
}

function isNoop(page: ScopeChanges, storedCursor: number | undefined): boolean {
  return page.cursor === storedCursor && page.deleted.length === 0 && Object.values(page.tables).every((t) => !t || t.n === 0);
}

async function applyPage(page: ScopeChanges): Promise<void> {
  for (const entity of ENTITY_ORDER) {
    const table = page.tables[entity];
    if (!table || table.n === 0) continue;
    if (entity === 'entry') await storePulledEntries(decodeRows('entry', table));
    else await tableOf(entity).bulkPut(decodeRows(entity, table) as { id: string }[]);
  }
  const deletedEntries = page.deleted.filter((d) => d.entity === 'entry').map((d) => d.id);
  const [kind, villageId] = splitScope(page.scope);
  if (deletedEntries.length > 0 && kind === 'village') await deletePulledEntries(villageId, deletedEntries);
  for (const d of page.deleted) if (d.entity !== 'entry') await tableOf(d.entity).delete(d.id);
  await db.meta.put({ key: cursorKey(page.scope), value: page.cursor });
}

/**
 * Forgets scopes the user may no longer see (the answer's `scopes` no longer lists them): their
 * rows and cursor. A village is kept as long as the outbox holds any item for it (pending or
 * refused, of any user): unsent work for a village must not disappear with it. Runs in one
 * transaction with the outbox, so an entry recorded meanwhile cannot be deleted under it.
 * @returns the scopes dropped now; scopes left waiting are stored in `meta.revokedScopes`.
 */
export async function dropScopesExcept(scopes: string[]): Promise<string[]> {
  const keep = new Set(scopes);
  return db.transaction('rw', [db.meta, db.outbox, ...pulledTables()], async () => {
    const held = new Set(Object.keys(await readCursors()));
    // Villages fetched over REST have no cursor yet; they leave the phone the same way.
    for (const id of await db.villages.toCollection().primaryKeys()) held.add(scopeOfVillage(id));
    const revoked = [...held].filter((s) => !keep.has(s));
    if (revoked.length === 0) {
      if ((await db.meta.get(META.revokedScopes)) !== undefined) await db.meta.delete(META.revokedScopes);
      return [];
    }
    const waiting = await villagesWithUnsentWork();
    const dropped: string[] = [];
    const kept: string[] = [];
    for (const scope of revoked) {
      const [kind, id] = splitScope(scope);
      if (kind === 'village') {
        if (waiting === 'unknown' || waiting.has(id)) {
          kept.push(scope);
          continue;
        }
        await db.villages.delete(id);
        await db.households.where('villageId').equals(id).delete();
        await db.persons.where('villageId').equals(id).delete();
        await deleteEntriesOfVillage(id);
        await db.creditRecords.where('villageId').equals(id).delete();
      } else if (kind === 'township') {
        const versions = await db.catalogVersions.where('townshipId').equals(id).primaryKeys();
        await db.indicators.where('catalogVersionId').anyOf(versions).delete();
        await db.catalogVersions.bulkDelete(versions);
        await db.creditKinds.where('townshipId').equals(id).delete();
      }
      await db.meta.delete(cursorKey(scope));
      dropped.push(scope);
    }
    if (kept.length > 0) await db.meta.put({ key: META.revokedScopes, value: kept });
    else await db.meta.delete(META.revokedScopes);
    return dropped;
  });
}

function splitScope(scope: string): [string, string] {
  const i = scope.indexOf(':');
  return i < 0 ? [scope, ''] : [scope.slice(0, i), scope.slice(i + 1)];
}

/** Villages named by outbox items; 'unknown' when an item's village cannot be told. */
async function villagesWithUnsentWork(): Promise<Set<string> | 'unknown'> {
  const out = new Set<string>();
  for (const item of await db.outbox.toArray()) {
    const village = await villageOfItem(item);
    if (!village) return 'unknown';
    out.add(village);
  }
  return out;
}

/**
 * Pulled rows were stored under the schema version of an older app: forget them and their cursors
 * so the next pull brings them again in the current shape. Unsent work (queued entries and the
 * outbox) stays.
 */
export async function resetPulledDataIfSchemaChanged(): Promise<boolean> {
  return db.transaction('rw', [db.meta, ...pulledTables()], async () => {
    const stored = (await db.meta.get(META.schemaVersion))?.value;
    if (stored === SCHEMA_VERSION) return false;
    if (stored !== undefined) {
      await Promise.all([db.villages, db.households, db.persons, db.householdEntries, db.catalogVersions, db.indicators, db.creditKinds].map((t) => t.clear()));
      await db.entries.filter((e) => e.state !== 'queued').delete();
      await db.creditRecords.filter((r) => r.state !== 'queued').delete();
      const cursors = Object.keys(await readCursors()).map(cursorKey);
      await db.meta.bulkDelete(cursors);
    }
    await db.meta.put({ key: META.schemaVersion, value: SCHEMA_VERSION });
    return stored !== undefined;
  });
}
