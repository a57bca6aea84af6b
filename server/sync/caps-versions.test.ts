// entry.create on the server (issue 12): the catalogue version in force on the entry's date, and
// the township's per-recorder-per-day cap, checked per item with a reason code, on both databases,
// for a batch run buffered and for one item at a time. Kept tallies follow what was applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import { entryCreate, entryWithdraw, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';
import { ENTRY_POINTS_MESSAGES } from '../../shared/domain/points';

describe.each(await testDialects())('entry.create caps and catalogue versions on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  async function addVersion2(effectiveFrom: string): Promise<string> {
    const id = uuidv7();
    await t.db.insertInto('catalog_versions').values({ id, township_id: w.townshipId, version: 2, name: '新版', effective_from: effectiveFrom, status: 'published', published_at: effectiveFrom }).execute();
    const rows = await t.db.selectFrom('indicators').selectAll().where('catalog_version_id', '=', w.catalogId).execute();
    await t.db.insertInto('indicators').values(rows.map((r) => ({ ...r, id: uuidv7(), catalog_version_id: id }))).execute();
    return id;
  }

  it('an entry dated before a version starts uses the version in force then; others are refused with a code', async () => {
    const v2 = await addVersion2('2025-06-01');
    const before = entryCreate(w, { occurredOn: '2025-05-31' }); // version 1 in force
    const beforeWrong = entryCreate(w, { occurredOn: '2025-05-31', catalogVersionId: v2 });
    const after = entryCreate(w, { occurredOn: '2025-06-10', catalogVersionId: v2 });
    const afterOld = entryCreate(w, { occurredOn: '2025-06-10' }); // version 1 no longer in force
    const { json } = await postSync(app, 'collector', request([before, beforeWrong, after, afterOld]));
    expect(json.results.map((r) => [r.status, r.code ?? null])).toEqual([
      ['applied', null], ['rejected', 'catalog_version_mismatch'], ['applied', null], ['rejected', 'catalog_version_mismatch'],
    ]);
    expect(json.results[1].message).toMatch(/第 1 版/);
    const kept = await t.db.selectFrom('entries').select(['catalog_version_id', 'occurred_on']).orderBy('occurred_on').execute();
    expect(kept).toEqual([{ catalog_version_id: w.catalogId, occurred_on: '2025-05-31' }, { catalog_version_id: v2, occurred_on: '2025-06-10' }]);
  });

  it('a draft version is never used', async () => {
    const id = await addVersion2('2025-06-01');
    await t.db.updateTable('catalog_versions').set({ status: 'draft' }).where('id', '=', id).execute();
    const { json } = await postSync(app, 'collector', request([entryCreate(w, { catalogVersionId: id })]));
    expect(json.results[0]).toMatchObject({ status: 'rejected', code: 'catalog_unknown' });
  });

  {
    it('enforces the per-recorder-per-day cap per item', async () => {
      await t.db.updateTable('townships').set({ recorder_day_cap: 2 }).where('id', '=', w.townshipId).execute();
      const day = '2025-06-14';
      const ms = [entryCreate(w, { occurredOn: day }), entryCreate(w, { occurredOn: day, householdId: w.h1b }), entryCreate(w, { occurredOn: day }), entryCreate(w, { occurredOn: '2025-06-13' })];
      const { json } = await postSync(app, 'collector', request(ms));
      expect(json.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'applied', 'recorder_day_cap', 'applied']);
      expect(json.results[2].message).toBe(ENTRY_POINTS_MESSAGES.recorder_day_cap);
      // Another recorder has a cap of their own; a withdrawn entry frees its slot.
      const other = await postSync(app, 'collector2', request([entryCreate(w, { occurredOn: day, householdId: w.h1b })]));
      expect(other.json.results[0].status).toBe('applied');
      const first = (ms[0].payload as { entryId: string }).entryId;
      const again = await postSync(app, 'collector', request([entryWithdraw(first), entryCreate(w, { occurredOn: day })]));
      expect(again.json.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    });
  }

  it('keeps the tallies as entries arrive and are withdrawn through the push', async () => {
    const m = entryCreate(w, { occurredOn: '2025-06-14' });
    await postSync(app, 'collector', request([m, entryCreate(w, { occurredOn: '2025-06-14', householdId: w.h1b })]));
    let v = await t.db.selectFrom('tally_villages').selectAll().where('village_id', '=', w.v1).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ year: 2025, live_entries: 2, awaiting_review: 2, participating_households: 2 });
    await postSync(app, 'collector', request([entryWithdraw((m.payload as { entryId: string }).entryId)]));
    v = await t.db.selectFrom('tally_villages').selectAll().where('village_id', '=', w.v1).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ live_entries: 1, awaiting_review: 1, participating_households: 1 });
  });
});
