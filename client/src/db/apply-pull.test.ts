import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from './db';
import { applyScopeChanges, dropScopesExcept, resetPulledDataIfSchemaChanged } from './apply-pull';
import { META, readCursors } from './meta';
import { enqueueEntryCreate } from './outbox';
import { entriesOf } from './entries';
import { SCHEMA_VERSION } from '../../../shared/protocol/sync';
import { encodeRows } from '../../../shared/protocol/tables';
import type { EntryDto, HouseholdDto } from '../../../shared/protocol/tables';
import type { ScopeChanges } from '../../../shared/protocol/sync';
import { CATALOG, entryInput, HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(resetDb);

const scope = `village:${VILLAGE}`;
const household: HouseholdDto = {
  id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 2, headName: '王大山', phone: null,
  status: 'active', consentPublic: true, version: 1,
};
const entry = (id: string, state: EntryDto['state'] = 'submitted'): EntryDto => ({
  id, villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, catalogVersionId: CATALOG,
  indicatorCode: 'B02', occurredOn: '2025-03-01', points: 5, note: '', recorderId: USER, state,
  reverses: null, createdAt: '2025-03-01T08:00:00.000Z', stateReason: '', revision: 1,
});
const E1 = '0190a000-0000-7000-8000-0000000000e1';
const E2 = '0190a000-0000-7000-8000-0000000000e2';

function page(over: Partial<ScopeChanges>): ScopeChanges {
  return { scope, tables: {}, deleted: [], cursor: 0, hasMore: false, ...over };
}

describe('applyScopeChanges', () => {
  it('stores decoded rows and the new cursor', async () => {
    await applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1), entry(E2)]) },
      cursor: 42,
    }));
    expect(await db.households.get(HOUSEHOLD)).toEqual(household);
    // Entries are stored in one record per household.
    expect((await entriesOf(HOUSEHOLD)).map((e) => e.id).sort()).toEqual([E1, E2]);
    expect(await db.householdEntries.count()).toBe(1);
    expect(await readCursors()).toEqual({ [scope]: 42 });
  });

  it('applies deletions and updates', async () => {
    await applyScopeChanges(page({ tables: { entry: encodeRows('entry', [entry(E1), entry(E2)]) }, cursor: 5 }));
    await applyScopeChanges(page({
      tables: { entry: encodeRows('entry', [entry(E1, 'approved')]) },
      deleted: [{ entity: 'entry', id: E2 }],
      cursor: 7,
    }));
    expect(await entriesOf(HOUSEHOLD)).toEqual([entry(E1, 'approved')]);
    expect(await readCursors()).toEqual({ [scope]: 7 });
  });

  it('keeps the old cursor when storing the rows fails (rows and cursor in one transaction)', async () => {
    await applyScopeChanges(page({ cursor: 3 }));
    const spy = vi.spyOn(db.householdEntries, 'bulkPut').mockRejectedValueOnce(new Error('QuotaExceededError'));
    await expect(applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 9,
    }))).rejects.toThrow('QuotaExceededError');
    spy.mockRestore();
    expect(await readCursors()).toEqual({ [scope]: 3 });
    expect(await db.households.count()).toBe(0);
  });

  it("stores all pages of an answer in one transaction, and skips those that change nothing", async () => {
    const township = 'township:0190a000-0000-7000-8000-0000000000f1';
    await applyScopeChanges(page({ scope: township, cursor: 6 }), page({ cursor: 3 }));
    const spy = vi.spyOn(db, 'transaction');
    // Nothing new in either scope: no transaction at all.
    await applyScopeChanges(page({ scope: township, cursor: 6 }), page({ cursor: 3 }));
    expect(spy).not.toHaveBeenCalled();
    // One scope moves: one transaction, whose failure keeps both cursors where they were.
    const failing = vi.spyOn(db.households, 'bulkPut').mockRejectedValueOnce(new Error('QuotaExceededError'));
    await expect(applyScopeChanges(
      page({ scope: township, cursor: 9, deleted: [{ entity: 'indicator', id: E1 }] }),
      page({ tables: { household: encodeRows('household', [household]) }, cursor: 4 }),
    )).rejects.toThrow('QuotaExceededError');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await readCursors()).toEqual({ [township]: 6, [scope]: 3 });
    failing.mockRestore();
    spy.mockRestore();
  });
});

describe('dropScopesExcept', () => {
  const OTHER_VILLAGE = '0190a000-0000-7000-8000-0000000000b1';
  const OTHER_HOUSEHOLD = '0190a000-0000-7000-8000-0000000000b2';
  const other = `village:${OTHER_VILLAGE}`;

  async function holdTwoVillages() {
    await applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 4,
    }));
    await applyScopeChanges(page({
      scope: other,
      tables: {
        village: encodeRows('village', [{ id: OTHER_VILLAGE, townshipId: CATALOG, code: 'B', name: '乙村' }]),
        household: encodeRows('household', [{ ...household, id: OTHER_HOUSEHOLD, villageId: OTHER_VILLAGE }]),
      },
      cursor: 7,
    }));
  }

  it('forgets rows and cursor of a village no longer in scope', async () => {
    await applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 4,
    }));
    expect(await dropScopesExcept([scope])).toEqual([]);
    expect(await dropScopesExcept([])).toEqual([scope]);
    expect(await db.households.count()).toBe(0);
    expect(await db.householdEntries.count()).toBe(0);
    expect(await readCursors()).toEqual({});
  });

  it('keeps a revoked village while the outbox holds an item for it, and purges it once the outbox is empty', async () => {
    await holdTwoVillages();
    const queued = await enqueueEntryCreate(entryInput(), USER); // for VILLAGE
    // Both villages taken away: the one without unsent work goes now, the other waits.
    expect(await dropScopesExcept([])).toEqual([other]);
    expect(await db.households.get(OTHER_HOUSEHOLD)).toBeUndefined();
    expect(await db.households.get(HOUSEHOLD)).toBeDefined();
    expect(await db.entries.get(queued.entry.id)).toMatchObject({ state: 'queued' });
    expect(await readCursors()).toEqual({ [scope]: 4 });
    expect((await db.meta.get(META.revokedScopes))?.value).toEqual([scope]);

    // A refused item still counts: the collector has not dealt with it yet.
    await db.outbox.update(queued.item.id, { status: 'attention' });
    expect(await dropScopesExcept([])).toEqual([]);
    expect(await db.households.get(HOUSEHOLD)).toBeDefined();

    await db.outbox.clear();
    expect(await dropScopesExcept([])).toEqual([scope]);
    expect(await db.households.count()).toBe(0);
    expect(await db.householdEntries.count()).toBe(0);
    expect(await readCursors()).toEqual({});
    expect(await db.meta.get(META.revokedScopes)).toBeUndefined();
  });

  it("finds an old item's village through its entry, and keeps everything when it cannot tell", async () => {
    await holdTwoVillages();
    const queued = await enqueueEntryCreate(entryInput(), USER);
    // An item written before items carried their village.
    await db.outbox.where('id').equals(queued.item.id).modify((i) => { delete i.villageId; });
    expect(await dropScopesExcept([scope])).toEqual([other]);
    await holdTwoVillages();
    // Its entry is gone too: the phone cannot tell which village it is for, so nothing is purged.
    await db.entries.delete(queued.entry.id);
    expect(await dropScopesExcept([])).toEqual([]);
    expect(await db.households.count()).toBe(2);
  });

  it("other users' unsent items also hold their village", async () => {
    await holdTwoVillages();
    await enqueueEntryCreate(entryInput({ villageId: OTHER_VILLAGE, householdId: OTHER_HOUSEHOLD }), 'someone-else');
    expect(await dropScopesExcept([scope])).toEqual([]);
    expect(await db.households.get(OTHER_HOUSEHOLD)).toBeDefined();
  });
});

describe('resetPulledDataIfSchemaChanged', () => {
  it('re-pulls everything after a schema change but keeps unsent work', async () => {
    expect(await resetPulledDataIfSchemaChanged()).toBe(false); // first run: just records the version
    await applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 4,
    }));
    const queued = await enqueueEntryCreate(entryInput(), USER);
    expect(await resetPulledDataIfSchemaChanged()).toBe(false);
    expect(await db.households.count()).toBe(1);

    await db.meta.put({ key: META.schemaVersion, value: SCHEMA_VERSION - 1 });
    expect(await resetPulledDataIfSchemaChanged()).toBe(true);
    expect(await db.households.count()).toBe(0);
    expect(await readCursors()).toEqual({});
    expect((await db.entries.toArray()).map((e) => e.id)).toEqual([queued.entry.id]);
    expect(await db.outbox.count()).toBe(1);
  });
});
