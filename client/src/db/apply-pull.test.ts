import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from './db';
import { applyScopeChanges, dropScopesExcept, resetPulledDataIfSchemaChanged } from './apply-pull';
import { META, readCursors } from './meta';
import { enqueueEntryCreate } from './outbox';
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
  reverses: null, createdAt: '2025-03-01T08:00:00.000Z',
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
    expect(await db.entries.count()).toBe(2);
    expect(await readCursors()).toEqual({ [scope]: 42 });
  });

  it('applies deletions and updates', async () => {
    await applyScopeChanges(page({ tables: { entry: encodeRows('entry', [entry(E1), entry(E2)]) }, cursor: 5 }));
    await applyScopeChanges(page({
      tables: { entry: encodeRows('entry', [entry(E1, 'approved')]) },
      deleted: [{ entity: 'entry', id: E2 }],
      cursor: 7,
    }));
    expect((await db.entries.get(E1))?.state).toBe('approved');
    expect(await db.entries.get(E2)).toBeUndefined();
    expect(await readCursors()).toEqual({ [scope]: 7 });
  });

  it('keeps the old cursor when storing the rows fails (rows and cursor in one transaction)', async () => {
    await applyScopeChanges(page({ cursor: 3 }));
    const spy = vi.spyOn(db.entries, 'bulkPut').mockRejectedValueOnce(new Error('QuotaExceededError'));
    await expect(applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 9,
    }))).rejects.toThrow('QuotaExceededError');
    spy.mockRestore();
    expect(await readCursors()).toEqual({ [scope]: 3 });
    expect(await db.households.count()).toBe(0);
  });
});

describe('dropScopesExcept', () => {
  it('forgets rows and cursor of a village no longer in scope', async () => {
    await applyScopeChanges(page({
      tables: { household: encodeRows('household', [household]), entry: encodeRows('entry', [entry(E1)]) },
      cursor: 4,
    }));
    expect(await dropScopesExcept([scope])).toEqual([]);
    expect(await dropScopesExcept([])).toEqual([scope]);
    expect(await db.households.count()).toBe(0);
    expect(await db.entries.count()).toBe(0);
    expect(await readCursors()).toEqual({});
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
