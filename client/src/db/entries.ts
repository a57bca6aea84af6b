// Where the phone keeps entries, in two places:
// - `householdEntries`: the server's rows, one record per household (cheap to write in bulk:
//   a bootstrap writes one record per household, not one per entry);
// - `entries`: entries recorded on this phone, one record each, from the moment they are made
//   until the server has acknowledged them AND its row for them has arrived in a pull.
// Readers see both, the server's row winning when both exist. Call the writing functions inside a
// transaction that includes both tables (and whatever else the caller writes with them).
import { db, type HouseholdEntries, type LocalEntry } from './db';
import type { EntryDto } from '../../../shared/protocol/tables';

/** Stores pulled entry rows into their households' records (replacing rows with the same id). */
export async function storePulledEntries(rows: EntryDto[]): Promise<void> {
  const byHousehold = new Map<string, EntryDto[]>();
  for (const r of rows) {
    const list = byHousehold.get(r.householdId);
    if (list) list.push(r);
    else byHousehold.set(r.householdId, [r]);
  }
  const ids = [...byHousehold.keys()];
  const existing = await db.householdEntries.bulkGet(ids);
  const updated = ids.map((householdId, i): HouseholdEntries => {
    const incoming = byHousehold.get(householdId)!;
    const merged = new Map((existing[i]?.rows ?? []).map((r) => [r.id, r]));
    for (const r of incoming) merged.set(r.id, r);
    return { householdId, villageId: incoming[incoming.length - 1].villageId, rows: [...merged.values()] };
  });
  await db.householdEntries.bulkPut(updated);
  await forgetAcknowledgedCopies(new Set(rows.map((r) => r.id)));
}

/** Local copies the server's rows now stand for; a copy still waiting to be sent ('queued') stays. */
async function forgetAcknowledgedCopies(serverIds: Set<string>): Promise<void> {
  const local = await db.entries.toCollection().primaryKeys();
  const covered = local.filter((id) => serverIds.has(id));
  if (covered.length === 0) return;
  const copies = await db.entries.bulkGet(covered);
  await db.entries.bulkDelete(copies.filter((e) => e && e.state !== 'queued').map((e) => e!.id));
}

/** Tombstones of entries in one village's scope: drops those rows from the village's households. */
export async function deletePulledEntries(villageId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const gone = new Set(ids);
  const touched: HouseholdEntries[] = [];
  await db.householdEntries.where('villageId').equals(villageId).each((h) => {
    if (h.rows.some((r) => gone.has(r.id))) touched.push({ ...h, rows: h.rows.filter((r) => !gone.has(r.id)) });
  });
  await db.householdEntries.bulkPut(touched);
  await forgetAcknowledgedCopies(gone);
}

/** Whether the server's row for an entry is on the phone. */
export async function hasServerRow(householdId: string, entryId: string): Promise<boolean> {
  const h = await db.householdEntries.get(householdId);
  return !!h?.rows.some((r) => r.id === entryId);
}

/** One household's entries: the server's rows, plus this phone's own not yet among them. Unsorted. */
export async function entriesOf(householdId: string): Promise<LocalEntry[]> {
  const [pulled, local] = await Promise.all([
    db.householdEntries.get(householdId),
    db.entries.where('householdId').equals(householdId).toArray(),
  ]);
  const rows: LocalEntry[] = pulled?.rows ?? [];
  const serverIds = new Set(rows.map((r) => r.id));
  return [...rows, ...local.filter((e) => !serverIds.has(e.id))];
}

/** Forgets a village's entries, both kinds (the caller has made sure none is still unsent). */
export async function deleteEntriesOfVillage(villageId: string): Promise<void> {
  await db.householdEntries.where('villageId').equals(villageId).delete();
  await db.entries.filter((e) => e.villageId === villageId).delete();
}

/** Every entry on the phone, the server's row winning (for checks; screens read one household). */
export async function allEntries(): Promise<LocalEntry[]> {
  const byId = new Map<string, LocalEntry>();
  for (const e of await db.entries.toArray()) byId.set(e.id, e);
  await db.householdEntries.each((h) => {
    for (const r of h.rows) byId.set(r.id, r);
  });
  return [...byId.values()];
}
