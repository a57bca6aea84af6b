// Concurrent pushes really run concurrently on PostgreSQL (a pool of 10 connections); on SQLite
// they queue on the one connection and BEGIN IMMEDIATE, which must give the same answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { count, entryCreate, postSync, request, seedWorld, testApp, testDeps, type TestApp, type World } from '../test/sync-fixture';

describe.each(await testDialects())('concurrent sync on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => {
    t = await createTestDatabase(dialect, { poolSize: 10 });
    w = await seedWorld(t);
    app = testApp(testDeps(t), w.users);
  });
  afterEach(async () => {
    await t.drop();
  });

  it('20 identical pushes at once make exactly one row', async () => {
    const batch = request([entryCreate(w)]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postSync(app, 'collector', batch)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const statuses = answers.map((a) => a.json.results[0].status).sort();
    expect(statuses).toEqual(['applied', ...Array<string>(19).fill('duplicate')]);
    expect(await count(t, 'sync_mutations')).toBe(1);
    expect(await count(t, 'entries')).toBe(1);
    expect(await count(t, 'entry_events')).toBe(1);
  });

  it('the same entry under 10 different mutation ids at once is stored once', async () => {
    const m = entryCreate(w);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      postSync(app, 'collector', request([{ ...m, id: `${m.id.slice(0, -2)}${String(i).padStart(2, '0')}` }]))));
    const statuses = answers.map((a) => a.json.results[0].status).sort();
    expect(statuses).toEqual(['applied', ...Array<string>(9).fill('duplicate')]);
    expect(await count(t, 'entries')).toBe(1);
  });

  it('a puller racing many writers never skips a change', async () => {
    const writers = ['collector', 'collector2', 'committee', 'admin'] as const;
    const perWriter = 15;
    let writing = true;
    const seen = new Set<string>();
    let cursor = 0;
    const scope = scopeOfVillage(w.v1);
    const pullOnce = async () => {
      const { json } = await postSync(app, 'collector', request([], { cursors: { [scope]: cursor }, pullLimit: 7 }));
      const page = json.changes.find((c) => c.scope === scope)!;
      for (const e of decodeRows('entry', page.tables.entry ?? { n: 0, cols: {} })) seen.add(e.id);
      expect(page.cursor).toBeGreaterThanOrEqual(cursor);
      cursor = page.cursor;
      return page.hasMore;
    };
    const puller = (async () => {
      while (writing) await pullOnce();
    })();
    await Promise.all(writers.map(async (who) => {
      for (let i = 0; i < perWriter; i++) {
        // Each entry in its own request, so commits interleave across writers.
        const { json } = await postSync(app, who, request([entryCreate(w, { householdId: i % 2 ? w.h1 : w.h1b })]));
        expect(json.results[0].status).toBe('applied');
      }
    }));
    writing = false;
    await puller;
    while (await pullOnce());
    const all = await t.db.selectFrom('entries').select('id').execute();
    expect(all).toHaveLength(writers.length * perWriter);
    expect([...seen].sort()).toEqual(all.map((r) => r.id).sort());
  });
});
