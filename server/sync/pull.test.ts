import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import { recordChanges } from '../db/changes';
import { writeTransaction } from '../db/transaction';
import type { PulledEntity, ScopeChanges, SyncResponse } from '../../shared/protocol/sync';
import { scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { entryCreate, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';

const pageOf = (res: SyncResponse, scope: string): ScopeChanges => res.changes.find((c) => c.scope === scope)!;

describe.each(await testDialects())('POST /api/sync pull on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it('bootstraps a phone with its scopes only, persons without ID numbers', async () => {
    const { json } = await postSync(app, 'collector', request([], { cursors: { [scopeOfVillage(w.v2)]: 0 } }));
    const township = scopeOfTownship(w.townshipId);
    const v1 = scopeOfVillage(w.v1);
    // Scopes come from the server's tables; a cursor for another village is ignored.
    expect(json.scopes).toEqual([township, v1]);
    expect(json.changes.map((c) => c.scope)).toEqual([township, v1]);
    expect(json.hasMore).toBe(false);

    const cat = pageOf(json, township);
    expect(decodeRows('catalogVersion', cat.tables.catalogVersion!)).toEqual([
      { id: w.catalogId, townshipId: w.townshipId, version: 1, name: '2025版', effectiveFrom: '2025-01-01', status: 'published' },
    ]);
    const indicators = decodeRows('indicator', cat.tables.indicator!);
    expect(indicators.map((i) => i.code)).toEqual(['B01', 'B02', 'B10', 'A01']);
    expect(indicators[2]).toMatchObject({ sign: -1, pointsMin: -5, evidenceRequired: false, recorderRoles: ['collector', 'committee'] });
    expect(cat.cursor).toBe(5);

    const village = pageOf(json, v1);
    expect(decodeRows('village', village.tables.village!)).toEqual([{ id: w.v1, townshipId: w.townshipId, code: 'V1', name: '东村' }]);
    expect(decodeRows('household', village.tables.household!).map((h) => h.id)).toEqual([w.h1, w.h1b]);
    expect(decodeRows('household', village.tables.household!)[0]).toMatchObject({ consentPublic: false, version: 1, phone: null });
    const persons = village.tables.person!;
    expect(persons.cols).not.toContain('idCipher');
    expect(persons.cols).not.toContain('idHash');
    expect(JSON.stringify(json)).not.toContain('11010519491231002X');
    expect(decodeRows('person', persons)).toEqual([expect.objectContaining({ id: w.p1, idLast4: '002X', isMinor: false })]);
    expect(village.cursor).toBe(4);
    expect(village.deleted).toEqual([]);

    // Nothing new: same cursors, empty pages.
    const again = await postSync(app, 'collector', request([], { cursors: { [township]: cat.cursor, [v1]: village.cursor } }));
    expect(again.json.changes.map((c) => [c.cursor, Object.keys(c.tables).length, c.hasMore])).toEqual([[5, 0, false], [4, 0, false]]);
  });

  it('pages with a limit shared by all scopes, without skipping or repeating', async () => {
    const batch = Array.from({ length: 9 }, () => entryCreate(w));
    await postSync(app, 'collector', request(batch));
    const cursors: Record<string, number> = {};
    const seen: string[] = [];
    let rounds = 0;
    for (;;) {
      const { json } = await postSync(app, 'collector', request([], { cursors, pullLimit: 4 }));
      rounds++;
      const rows = json.changes.reduce((n, c) => n + Object.values(c.tables).reduce((m, tb) => m + tb.n, 0) + c.deleted.length, 0);
      expect(rows).toBeLessThanOrEqual(4);
      for (const c of json.changes) {
        expect(c.cursor).toBeGreaterThanOrEqual(cursors[c.scope] ?? 0);
        cursors[c.scope] = c.cursor;
        for (const [entity, table] of Object.entries(c.tables)) {
          for (const row of decodeRows(entity as PulledEntity, table)) seen.push(`${entity}:${row.id}`);
        }
      }
      expect(json.hasMore).toBe(json.changes.some((c) => c.hasMore));
      if (!json.hasMore) break;
      expect(rounds).toBeLessThan(20);
    }
    // 5 catalogue rows + village, 2 households, 1 person + 9 entries = 18 rows in pages of 4.
    expect(seen).toHaveLength(18);
    expect(new Set(seen).size).toBe(18);
    expect(rounds).toBe(5);
    for (const m of batch) expect(seen).toContain(`entry:${(m.payload as { entryId: string }).entryId}`);
  });

  it('brings server-side state changes and tombstones through the same pull', async () => {
    const m = entryCreate(w);
    const entryId = (m.payload as { entryId: string }).entryId;
    const first = await postSync(app, 'collector', request([m]));
    const v1 = scopeOfVillage(w.v1);
    // The phone that created the entry holds it already: its own answer leaves it out, but its
    // cursor moves past it. Any other phone (here: a fresh pull) gets it in its server state.
    expect(pageOf(first.json, v1).tables.entry).toBeUndefined();
    const fresh = await postSync(app, 'collector', request([], { deviceId: uuidv7() }));
    expect(pageOf(first.json, v1).cursor).toBe(pageOf(fresh.json, v1).cursor);
    expect(decodeRows('entry', pageOf(fresh.json, v1).tables.entry!)).toEqual([
      expect.objectContaining({ id: entryId, state: 'submitted', recorderId: w.users.collector.id, points: 5, createdAt: '2025-06-15T04:00:00.000Z' }),
    ]);
    const cursors = Object.fromEntries(first.json.changes.map((c) => [c.scope, c.cursor]));

    // A review-like change: state moved and logged in the same transaction, as every writer must.
    await writeTransaction(t, async (trx) => {
      await trx.updateTable('entries').set({ state: 'approved' }).where('id', '=', entryId).execute();
      await recordChanges(trx, v1, 'entry', [entryId]);
      await trx.updateTable('households').set({ deleted: 1 }).where('id', '=', w.h1b).execute();
      await recordChanges(trx, v1, 'household', [w.h1b], 'delete');
      // Soft-deleted without a tombstone (a writer's bug): still dropped on the phone.
      await trx.updateTable('persons').set({ deleted: 1 }).where('id', '=', w.p1).execute();
      await recordChanges(trx, v1, 'person', [w.p1]);
    });
    const { json } = await postSync(app, 'collector', request([], { cursors }));
    const page = pageOf(json, v1);
    expect(decodeRows('entry', page.tables.entry!)).toEqual([expect.objectContaining({ id: entryId, state: 'approved' })]);
    expect(page.deleted).toEqual(expect.arrayContaining([{ entity: 'household', id: w.h1b }, { entity: 'person', id: w.p1 }]));
    expect(page.tables.household).toBeUndefined();
    expect(page.cursor).toBe(cursors[v1] + 3);
  });

  it("leaves the sender's own new entries out of its answer only: a replay, or a change since, brings the row", async () => {
    const v1 = scopeOfVillage(w.v1);
    const start = pageOf((await postSync(app, 'collector', request([]))).json, v1).cursor;
    const m = entryCreate(w);
    const entryId = (m.payload as { entryId: string }).entryId;
    // Own answer: not echoed, cursor past it.
    const own = pageOf((await postSync(app, 'collector', request([m], { cursors: { [v1]: start } }))).json, v1);
    expect(own.tables.entry).toBeUndefined();
    expect(own.cursor).toBe(start + 1);
    // The answer was lost: the phone sends the same item from its old cursor. Nothing was written
    // by this request, so the row comes (the phone then drops its own copy).
    const replay = await postSync(app, 'collector', request([m], { cursors: { [v1]: start } }));
    expect(replay.json.results).toEqual([{ id: m.id, status: 'duplicate' }]);
    expect(decodeRows('entry', pageOf(replay.json, v1).tables.entry!).map((e) => e.id)).toEqual([entryId]);
    // A later change of the entry (another change number) comes to everyone, the sender too.
    const m2 = entryCreate(w);
    await writeTransaction(t, async (trx) => {
      await trx.updateTable('entries').set({ state: 'approved' }).where('id', '=', entryId).execute();
      await recordChanges(trx, v1, 'entry', [entryId]);
    });
    const later = pageOf((await postSync(app, 'collector', request([m2], { cursors: { [v1]: own.cursor } }))).json, v1);
    expect(decodeRows('entry', later.tables.entry!).map((e) => [e.id, e.state])).toEqual([[entryId, 'approved']]);
  });

  it('gives an admin every village of the township, and a collector only the assigned ones', async () => {
    const admin = await postSync(app, 'admin', request([]));
    expect(admin.json.scopes).toEqual([scopeOfTownship(w.townshipId), ...[w.v1, w.v2].sort().map(scopeOfVillage)]);
    const other = await postSync(app, 'otherVillage', request([]));
    expect(other.json.scopes).toEqual([scopeOfTownship(w.townshipId), scopeOfVillage(w.v2)]);
    const entries = decodeRows('household', pageOf(other.json, scopeOfVillage(w.v2)).tables.household!);
    expect(entries.map((h) => h.id)).toEqual([w.h2]);
  });

  it('never sends a row logged under a scope it does not belong to', async () => {
    const stray = uuidv7();
    await writeTransaction(t, async (trx) => {
      await trx.insertInto('households').values({
        id: stray, village_id: w.v2, household_no: '099', head_name: '赵六', phone: null, created_at: 'x', updated_at: 'x',
      }).execute();
      await recordChanges(trx, scopeOfVillage(w.v1), 'household', [stray]); // the bug: wrong scope
    });
    const { json } = await postSync(app, 'collector', request([]));
    const households = decodeRows('household', pageOf(json, scopeOfVillage(w.v1)).tables.household!);
    expect(households.map((h) => h.id)).not.toContain(stray);
  });
});
