// An app update with unsent work on the phone (issue 10): the IndexedDB that the previous release
// left behind — its Dexie schema written out here as it was, frozen — is opened by this release's
// CunxinDb. The outbox rows and the queued entries must come through the upgrade untouched and be
// sent and acknowledged by the sync runner; pulled data of an older table shape is dropped and
// pulled again, never the unsent work.
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { db } from './db';
import { resetPulledDataIfSchemaChanged } from './apply-pull';
import { pendingItems, toMutation } from './outbox';
import { SyncRunner } from '../sync/runner';
import type { Mutation, SyncRequest, SyncResponse } from '../../../shared/protocol/sync';
import { CATALOG, HOUSEHOLD, USER, VILLAGE } from '../test/fixtures';

/** The stores of schema versions 1 and 2 exactly as released (client/src/db/db.ts). Never edit. */
const RELEASED_STORES: Record<number, Record<string, string>> = {
  1: {
    meta: 'key', villages: 'id, townshipId', households: 'id, villageId', persons: 'id, householdId, villageId',
    entries: 'id, householdId, villageId, state', catalogVersions: 'id, townshipId', indicators: 'id, catalogVersionId',
    outbox: 'id, deviceSeq, status, entityId',
  },
  2: { entries: 'id, householdId', householdEntries: '[householdId+seq], householdId, villageId' },
};

/** Outbox rows as the released app wrote them (an entry.create and a household.update). */
const OUTBOX_ROWS = [
  {
    id: '0190c000-0001-7000-8000-000000000001', kind: 'entry.create', deviceSeq: 7, at: '2026-08-01T02:00:00.000Z',
    payload: {
      entryId: '0190c000-0001-7000-8000-0000000000e1', householdId: HOUSEHOLD, personId: null, catalogVersionId: CATALOG,
      indicatorCode: 'B02', occurredOn: '2026-07-31', points: 5, note: '升级前录入', reverses: null,
    },
    status: 'pending', attempts: 2, lastError: { code: 'network', message: '网络不可用' }, entityId: '0190c000-0001-7000-8000-0000000000e1',
    userId: USER, villageId: VILLAGE, exportedAt: null,
  },
  {
    id: '0190c000-0001-7000-8000-000000000002', kind: 'household.update', deviceSeq: 8, at: '2026-08-01T02:05:00.000Z',
    payload: { householdId: HOUSEHOLD, baseVersion: 3, fields: { groupNo: 2 } },
    status: 'pending', attempts: 0, lastError: null, entityId: HOUSEHOLD, userId: USER, villageId: VILLAGE,
  },
];
const QUEUED_ENTRY = {
  id: '0190c000-0001-7000-8000-0000000000e1', villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, catalogVersionId: CATALOG,
  indicatorCode: 'B02', occurredOn: '2026-07-31', points: 5, note: '升级前录入', recorderId: USER, state: 'queued',
  reverses: null, noticeId: null, createdAt: '2026-08-01T02:00:00.000Z', updatedAt: '2026-08-01T02:00:00.000Z',
};

/** Leaves an IndexedDB named like the app's as the release of `version` would have (and closes it). */
async function leaveReleasedDatabase(version: 1 | 2, fill: (old: Dexie) => Promise<void>): Promise<void> {
  db.close();
  await Dexie.delete(db.name);
  const old = new Dexie(db.name);
  for (let v = 1; v <= version; v++) old.version(v).stores(RELEASED_STORES[v]);
  await old.open();
  await fill(old);
  old.close();
}

async function drainWithRunner(): Promise<SyncRequest[]> {
  const requests: SyncRequest[] = [];
  const runner = new SyncRunner({
    getUserId: () => USER, locks: null, isOnline: () => true,
    sync: async (req): Promise<SyncResponse> => {
      requests.push(req);
      return {
        protocol: 1, serverTime: new Date().toISOString(), scopes: [], changes: [], hasMore: false,
        results: (req.mutations as Mutation[]).map((m) => ({ id: m.id, status: 'applied' as const })),
      };
    },
  });
  expect(await runner.runOnce()).toBe('ok');
  return requests;
}

describe('app update with unsent work', () => {
  it.each([1, 2] as const)('from the released schema %i: outbox rows and queued entries survive and drain', async (version) => {
    await leaveReleasedDatabase(version, async (old) => {
      await old.table('outbox').bulkPut(OUTBOX_ROWS);
      await old.table('entries').put(QUEUED_ENTRY);
      await old.table('meta').bulkPut([
        { key: 'deviceId', value: '0190c000-0000-7000-8000-0000000000aa' }, { key: 'deviceSeq', value: 8 },
        // Pulled under an older table shape: dropped and pulled again after the update.
        { key: 'schemaVersion', value: 1 }, { key: 'cursor:village:x', value: 41 },
      ]);
      await old.table('villages').put({ id: VILLAGE, townshipId: 't', name: '东河村' });
    });

    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(version);
    expect(await db.outbox.orderBy('deviceSeq').toArray()).toEqual(OUTBOX_ROWS);
    expect(await db.entries.get(QUEUED_ENTRY.id)).toEqual(QUEUED_ENTRY);
    expect((await db.meta.get('deviceSeq'))?.value).toBe(8);

    expect(await resetPulledDataIfSchemaChanged()).toBe(true);
    expect(await db.villages.count()).toBe(0);
    expect(await db.outbox.count()).toBe(2);
    expect(await db.entries.get(QUEUED_ENTRY.id)).toBeDefined();

    expect((await pendingItems(USER, 10)).map((i) => i.id)).toEqual(OUTBOX_ROWS.map((r) => r.id));
    const requests = await drainWithRunner();
    // The same ids and payloads go out as the old app would have sent: the server's replay check holds.
    expect(requests[0].deviceId).toBe('0190c000-0000-7000-8000-0000000000aa');
    expect(requests[0].mutations).toEqual(OUTBOX_ROWS.map((r) => toMutation(r as never)));
    expect(await db.outbox.count()).toBe(0);
  });
});
