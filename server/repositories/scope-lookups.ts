// Small lookups the access module needs to place a record in a village.
import type { Queryable } from './queryable';

export async function findHouseholdVillageId(db: Queryable, householdId: string): Promise<string | null> {
  const row = await db.selectFrom('households').select('village_id').where('id', '=', householdId).where('deleted', '=', 0).executeTakeFirst();
  return row?.village_id ?? null;
}

export async function findEntryVillageId(db: Queryable, entryId: string): Promise<string | null> {
  const row = await db.selectFrom('entries').select('village_id').where('id', '=', entryId).executeTakeFirst();
  return row?.village_id ?? null;
}

export async function findConflictVillageId(db: Queryable, conflictId: string): Promise<string | null> {
  const row = await db.selectFrom('sync_conflicts').select('village_id').where('id', '=', conflictId).executeTakeFirst();
  return row?.village_id ?? null;
}
