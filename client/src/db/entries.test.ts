import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { CunxinDb, db } from './db';
import { deleteEntriesOfVillage, deletePulledEntries, entriesOf, storePulledEntries } from './entries';
import { applyResults, enqueueEntryCreate } from './outbox';
import type { EntryDto } from '../../../shared/protocol/tables';
import { CATALOG, entryInput, HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(resetDb);

const H2 = '0190a000-0000-7000-8000-0000000000a2';
const row = (id: string, over: Partial<EntryDto> = {}): EntryDto => ({
  id, villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, catalogVersionId: CATALOG,
  indicatorCode: 'B02', occurredOn: '2025-03-01', points: 5, note: '', recorderId: USER, state: 'submitted',
  reverses: null, createdAt: '2025-03-01T08:00:00.000Z', stateReason: '', revision: 1, ...over,
});
const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const store = (rows: EntryDto[]) => db.transaction('rw', [db.meta, db.entries, db.householdEntries], () => storePulledEntries(rows));
const ids = async (household = HOUSEHOLD) => (await entriesOf(household)).map((e) => e.id).sort();

describe('entry storage (one record per household for the server rows)', () => {
  it('writes one record per household and page however many entries it has; a later row replaces an earlier one', async () => {
    // A large page (a bootstrap): new records, nothing read.
    const rows = Array.from({ length: 600 }, (_, i) => row(id(i), { householdId: i % 3 ? HOUSEHOLD : H2 }));
    await store(rows);
    expect(await db.householdEntries.count()).toBe(2);
    expect(await db.entries.count()).toBe(0);
    expect((await entriesOf(HOUSEHOLD)).length).toBe(400);
    expect((await entriesOf(H2)).length).toBe(200);
    // Another large page appends records; an entry in both shows its later row.
    const again = Array.from({ length: 500 }, (_, i) => row(id(2000 + i)));
    again[0] = row(id(1), { state: 'approved' });
    await store(again);
    expect(await db.householdEntries.count()).toBe(3);
    let mine = await entriesOf(HOUSEHOLD);
    expect(mine.length).toBe(899);
    expect(mine.find((e) => e.id === id(1))?.state).toBe('approved');

    // A small page (day-to-day sync) folds the household's records into one.
    await store([row(id(1), { state: 'effective' }), row(id(5000))]);
    expect(await db.householdEntries.where('householdId').equals(HOUSEHOLD).count()).toBe(1);
    mine = await entriesOf(HOUSEHOLD);
    expect(mine.length).toBe(900);
    expect(mine.find((e) => e.id === id(1))?.state).toBe('effective');
    expect((await entriesOf(H2)).length).toBe(200);
  });

  it("shows the phone's own entry until the server's row arrives, then the server's row only", async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    expect(await entriesOf(HOUSEHOLD)).toMatchObject([{ id: a.entry.id, state: 'queued' }]);
    await applyResults([a.item], [{ id: a.item.id, status: 'applied' }]);
    expect(await entriesOf(HOUSEHOLD)).toMatchObject([{ id: a.entry.id, state: 'submitted' }]);

    await store([row(a.entry.id, { state: 'approved' })]);
    expect(await entriesOf(HOUSEHOLD)).toMatchObject([{ id: a.entry.id, state: 'approved' }]);
    expect(await db.entries.count()).toBe(0); // the acknowledged copy is gone
  });

  it('keeps a copy still waiting to be sent even when the server already has the row (lost answer)', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    await store([row(a.entry.id)]);
    expect(await db.entries.get(a.entry.id)).toMatchObject({ state: 'queued' });
    expect(await entriesOf(HOUSEHOLD)).toHaveLength(1); // shown once, as the server has it
    expect((await entriesOf(HOUSEHOLD))[0].state).toBe('submitted');
  });

  it('applies tombstones within the village, and forgets a whole village', async () => {
    await store([row(id(1)), row(id(2)), row(id(3), { householdId: H2 })]);
    await db.transaction('rw', [db.entries, db.householdEntries], () => deletePulledEntries(VILLAGE, [id(2), id(3)]));
    expect(await ids()).toEqual([id(1)]);
    expect(await ids(H2)).toEqual([]);
    await db.transaction('rw', [db.entries, db.householdEntries], () => deleteEntriesOfVillage(VILLAGE));
    expect(await db.householdEntries.count()).toBe(0);
  });
});

describe('upgrade of a phone from storage version 1', () => {
  it("moves the server's entries into household records and keeps unsent ones as they were", async () => {
    const name = `cunxin-upgrade-${Date.now()}`;
    const old = new Dexie(name);
    old.version(1).stores({
      meta: 'key', villages: 'id, townshipId', households: 'id, villageId', persons: 'id, householdId, villageId',
      entries: 'id, householdId, villageId, state', catalogVersions: 'id, townshipId', indicators: 'id, catalogVersionId',
      outbox: 'id, deviceSeq, status, entityId',
    });
    await old.table('entries').bulkAdd([
      { ...row(id(1)), state: 'approved', syncIssue: null },
      { ...row(id(2)), state: 'queued', syncIssue: null },
      { ...row(id(3), { householdId: H2 }), state: 'effective' },
    ]);
    old.close();

    const upgraded = new CunxinDb(name);
    await upgraded.open();
    expect(await upgraded.entries.toCollection().primaryKeys()).toEqual([id(2)]);
    const records = await upgraded.householdEntries.toArray();
    expect(records.every((r) => r.seq === 0)).toBe(true);
    expect(records.map((r) => [r.householdId, r.rows.map((e) => `${e.id}:${e.state}`)]).sort()).toEqual([
      [HOUSEHOLD, [`${id(1)}:approved`]],
      [H2, [`${id(3)}:effective`]],
    ].sort());
    expect(records.flatMap((r) => r.rows).some((e) => 'syncIssue' in e)).toBe(false);
    upgraded.close();
    await Dexie.delete(name);
  });
});
