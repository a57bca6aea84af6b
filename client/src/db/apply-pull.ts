// Applies pulled pages to the local database. The rows of a page and the page's new cursor are
// written in ONE transaction: a cursor must never move past data the phone failed to store.
import type { Table } from 'dexie';
import { db } from './db';
import { cursorKey, META, readCursors } from './meta';
import { decodeRows } from '../../../shared/protocol/tables';
import { SCHEMA_VERSION, type PulledEntity, type ScopeChanges } from '../../../shared/protocol/sync';

type RowTable = Table<{ id: string }, string>;

// The tables hold different row types; applying a page only needs "rows with an id".
function tableOf(entity: PulledEntity): RowTable {
  const tables: Record<PulledEntity, unknown> = {
    village: db.villages,
    household: db.households,
    person: db.persons,
    entry: db.entries,
    catalogVersion: db.catalogVersions,
    indicator: db.indicators,
  };
  return tables[entity] as RowTable;
}

const ENTITY_ORDER: PulledEntity[] = ['village', 'catalogVersion', 'indicator', 'household', 'person', 'entry'];
const pulledTables = () => [db.villages, db.households, db.persons, db.entries, db.catalogVersions, db.indicators];

export async function applyScopeChanges(page: ScopeChanges): Promise<void> {
  await db.transaction('rw', [db.meta, ...pulledTables()], async () => {
    for (const entity of ENTITY_ORDER) {
      const table = page.tables[entity];
      if (!table) continue;
      const rows = decodeRows(entity, table) as { id: string }[];
      if (rows.length > 0) await tableOf(entity).bulkPut(rows);
    }
    for (const d of page.deleted) await tableOf(d.entity).delete(d.id);
    await db.meta.put({ key: cursorKey(page.scope), value: page.cursor });
  });
}

/**
 * Forgets scopes the user may no longer see (their rows and cursor). Call only with an empty
 * outbox: unsent work for a village must not disappear with it.
 */
export async function dropScopesExcept(scopes: string[]): Promise<string[]> {
  const keep = new Set(scopes);
  const dropped = Object.keys(await readCursors()).filter((s) => !keep.has(s));
  if (dropped.length === 0) return [];
  await db.transaction('rw', [db.meta, ...pulledTables()], async () => {
    for (const scope of dropped) {
      const [kind, id] = scope.split(':');
      if (kind === 'village' && id) {
        await db.villages.delete(id);
        await db.households.where('villageId').equals(id).delete();
        await db.persons.where('villageId').equals(id).delete();
        await db.entries.where('villageId').equals(id).delete();
      } else if (kind === 'township' && id) {
        const versions = await db.catalogVersions.where('townshipId').equals(id).primaryKeys();
        await db.indicators.where('catalogVersionId').anyOf(versions).delete();
        await db.catalogVersions.bulkDelete(versions);
      }
      await db.meta.delete(cursorKey(scope));
    }
  });
  return dropped;
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
      await Promise.all([db.villages, db.households, db.persons, db.catalogVersions, db.indicators].map((t) => t.clear()));
      await db.entries.filter((e) => e.state !== 'queued').delete();
      const cursors = Object.keys(await readCursors()).map(cursorKey);
      await db.meta.bulkDelete(cursors);
    }
    await db.meta.put({ key: META.schemaVersion, value: SCHEMA_VERSION });
    return stored !== undefined;
  });
}
