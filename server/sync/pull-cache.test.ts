// The pull's cache of recent rows (pull-cache.ts): a second pull of the same change is served from
// memory, a newer change of the row is read afresh, so no phone is sent a row older than the
// change it asked for. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test/databases';
import { recordChanges } from '../db/changes';
import { writeTransaction } from '../db/transaction';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { entryCreate, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';
import { pullChanges } from './pull';
import { PulledRowCache } from './pull-cache';

describe('PulledRowCache', () => {
  const row = (note: string) => ({ scope: 'v:1', dto: { note } }) as never;
  it('answers for the change it was kept under only, and forgets the oldest and the stale', () => {
    let now = 0;
    const cache = new PulledRowCache(2, 1000, () => now);
    cache.set('v:1', 1, 'entry', 'a', row('one'));
    expect(cache.get('v:1', 1, 'entry', 'a')).toEqual(row('one'));
    expect(cache.get('v:1', 2, 'entry', 'a')).toBeUndefined();
    expect(cache.get('v:2', 1, 'entry', 'a')).toBeUndefined();
    expect(cache.get('v:1', 1, 'household', 'a')).toBeUndefined(); // dropped: it named something else
    cache.set('v:1', 1, 'entry', 'a', row('one'));
    cache.set('v:1', 2, 'entry', 'b', row('two'));
    cache.set('v:1', 3, 'entry', 'c', row('three'));
    expect(cache.size).toBe(2);
    expect(cache.get('v:1', 1, 'entry', 'a')).toBeUndefined();
    now = 1001;
    expect(cache.get('v:1', 3, 'entry', 'c')).toBeUndefined();
  });
});

describe.each(await testDialects())('pull from the cache on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it('serves a repeated change from memory and a newer change of the row from the database', async () => {
    const m = entryCreate(w, { note: '第一版' });
    await postSync(app, 'collector', request([m]));
    const entryId = (m.payload as { entryId: string }).entryId;
    const scope = scopeOfVillage(w.v1);
    const cache = new PulledRowCache();
    const notes = async (after: number) => {
      const r = await pullChanges(t.db, [scope], { [scope]: after }, 1000, new Map(), cache);
      return decodeRows('entry', r.changes[0].tables.entry ?? { cols: [], rows: [] } as never).filter((e) => e.id === entryId).map((e) => e.note);
    };
    const first = await t.db.selectFrom('changes').select('seq').where('scope', '=', scope).where('entity_id', '=', entryId).executeTakeFirstOrThrow();
    const before = Number(first.seq) - 1;
    expect(await notes(before)).toEqual(['第一版']);
    const kept = cache.size;
    expect(kept).toBeGreaterThan(0);

    // Changed in place without a new change number (no writer does this): the cache answers.
    await t.db.updateTable('entries').set({ note: '未记录的改动' }).where('id', '=', entryId).execute();
    expect(await notes(before)).toEqual(['第一版']);

    // Changed by a writer: a newer change number, read afresh, also by a phone still before the first.
    await writeTransaction({ db: t.db, dialect }, async (trx) => {
      await trx.updateTable('entries').set({ note: '第二版' }).where('id', '=', entryId).execute();
      await recordChanges(trx, scope, 'entry', [entryId]);
    });
    expect(await notes(before)).toEqual(['第二版']);
    expect(await notes(Number(first.seq))).toEqual(['第二版']);
  });
});
