// Where the phone keeps entries, in two places:
// - `householdEntries`: the server's rows, in records of one household's rows from one pull page.
//   IndexedDB's cost is per record, so a page of 5,000 entries is ~500 records. A large page (a
//   bootstrap) is written as new records without reading anything; a small page (day-to-day
//   sync) folds each household it touches into one record, so records do not pile up. A
//   household's entries are the union of its records, the row of the later record winning.
// - `entries`: entries recorded on this phone, one record each, from the moment they are made
//   until the server has acknowledged them AND its row for them has arrived in a pull. The server
//   does not echo a new entry to the phone that sent it (docs/sync-protocol.md), so that copy may
//   stay until the entry changes on the server.
// Readers see both, the server's row winning. Call the writing functions inside a transaction
// that includes meta, entries and householdEntries (and whatever else the caller writes).
import { db, type HouseholdEntries, type LocalEntry } from './db';
import { META } from './meta';
import type { EntryDto } from '../../../shared/protocol/tables';

/** From this many rows on, a page is stored as new records (no reads); smaller ones are folded in. */
const APPEND_FROM_ROWS = 500;

/** Stores pulled entry rows (a row replaces the earlier row with its id). */
export async function storePulledEntries(rows: EntryDto[]): Promise<void> {
  if (rows.length === 0) return;
  const seq = await nextWriteSeq();
  const byHousehold = groupBy(rows, (r) => r.householdId);
  if (rows.length >= APPEND_FROM_ROWS) {
    await db.householdEntries.bulkPut([...byHousehold].map(([householdId, list]) => record(householdId, seq, list)));
  } else {
    const old = groupBy(await db.householdEntries.where('householdId').anyOf([...byHousehold.keys()]).toArray(), (r) => r.householdId);
    await db.householdEntries.bulkDelete([...old.values()].flat().map((r): [string, number] => [r.householdId, r.seq]));
    await db.householdEntries.bulkPut([...byHousehold].map(([householdId, list]) =>
      record(householdId, seq, latestRows(old.get(householdId) ?? [], list))));
  }
  await forgetAcknowledgedCopies(new Set(rows.map((r) => r.id)));
}

async function nextWriteSeq(): Promise<number> {
  const last = (await db.meta.get(META.entryWriteSeq))?.value;
  const next = (typeof last === 'number' ? last : 0) + 1;
  await db.meta.put({ key: META.entryWriteSeq, value: next });
  return next;
}

function record(householdId: string, seq: number, rows: EntryDto[]): HouseholdEntries {
  return { householdId, seq, villageId: rows[rows.length - 1].villageId, rows };
}

/** The current row of each entry in these records (later `seq` wins), then `newer` on top. */
function latestRows(records: HouseholdEntries[], newer: EntryDto[] = []): EntryDto[] {
  const byId = new Map<string, EntryDto>();
  for (const rec of [...records].sort((a, b) => a.seq - b.seq)) for (const r of rec.rows) byId.set(r.id, r);
  for (const r of newer) byId.set(r.id, r);
  return [...byId.values()];
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Local copies the server's rows now stand for; a copy still waiting to be sent ('queued') stays. */
async function forgetAcknowledgedCopies(serverIds: Set<string>): Promise<void> {
  const local = await db.entries.toCollection().primaryKeys();
  const covered = local.filter((id) => serverIds.has(id));
  if (covered.length === 0) return;
  const copies = await db.entries.bulkGet(covered);
  await db.entries.bulkDelete(copies.filter((e) => e && e.state !== 'queued').map((e) => e!.id));
}

/** Tombstones of entries in one village's scope: drops those rows from the village's records. */
export async function deletePulledEntries(villageId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const gone = new Set(ids);
  const changed: HouseholdEntries[] = [];
  await db.householdEntries.where('villageId').equals(villageId).each((rec) => {
    if (rec.rows.some((r) => gone.has(r.id))) changed.push({ ...rec, rows: rec.rows.filter((r) => !gone.has(r.id)) });
  });
  await db.householdEntries.bulkPut(changed.filter((rec) => rec.rows.length > 0));
  await db.householdEntries.bulkDelete(changed.filter((rec) => rec.rows.length === 0).map((rec): [string, number] => [rec.householdId, rec.seq]));
  await forgetAcknowledgedCopies(gone);
}

/** The server's rows of one household (its records merged). */
async function serverRowsOf(householdId: string): Promise<EntryDto[]> {
  return latestRows(await db.householdEntries.where('householdId').equals(householdId).toArray());
}

/** Whether the server's row for an entry is on the phone. */
export async function hasServerRow(householdId: string, entryId: string): Promise<boolean> {
  return (await serverRowsOf(householdId)).some((r) => r.id === entryId);
}

/** One household's entries: the server's rows, plus this phone's own not yet among them. Unsorted. */
export async function entriesOf(householdId: string): Promise<LocalEntry[]> {
  const [rows, local] = await Promise.all([
    serverRowsOf(householdId),
    db.entries.where('householdId').equals(householdId).toArray(),
  ]);
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
  for (const r of latestRows(await db.householdEntries.toArray())) byId.set(r.id, r);
  return [...byId.values()];
}
