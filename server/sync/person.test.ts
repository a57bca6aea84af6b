import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test/databases';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { listOpenConflicts } from '../repositories/household-writes';
import { count, personUpdate, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';

describe.each(await testDialects())('person.update merge on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  const person = () => t.db.selectFrom('persons').selectAll().where('id', '=', w.p1).executeTakeFirstOrThrow();

  it('applies edits of different fields from the same base on two phones, and the pull carries them', async () => {
    const first = await postSync(app, 'collector2', request([personUpdate(w.p1, 1, { phone: '+86 138-1234-5678' })]));
    expect(first.json.results[0].status).toBe('applied');
    const m = personUpdate(w.p1, 1, { relation: '配偶', birthYear: 1950 });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results).toEqual([{ id: m.id, status: 'applied' }]);
    expect(await person()).toMatchObject({ phone: '13812345678', relation: '配偶', birth_year: 1950, name: '张三', version: 3 });
    expect(await count(t, 'sync_conflicts')).toBe(0);
    const page = json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!;
    expect(decodeRows('person', page.tables.person!).find((p) => p.id === w.p1)).toMatchObject({ relation: '配偶', birthYear: 1950, version: 3 });
  });

  it('keeps the server value of a field changed on both sides and records one conflict', async () => {
    await postSync(app, 'collector2', request([personUpdate(w.p1, 1, { name: '张三丰' })]));
    const m = personUpdate(w.p1, 1, { name: '张小三', birthYear: null });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results[0]).toMatchObject({ id: m.id, status: 'conflict', code: 'field_conflict', fields: ['name'] });
    expect(json.results[0].message).toContain('姓名');
    expect(await person()).toMatchObject({ name: '张三丰', birth_year: null, version: 3 });

    expect(await listOpenConflicts(t.db, w.v1)).toEqual([expect.objectContaining({
      entity: 'person', entityId: w.p1, field: 'name', baseVersion: 1, serverValue: '张三丰', clientValue: '张小三',
      mutationId: m.id, userId: w.users.collector.id, status: 'open',
    })]);
    // A replay gets the same answer and records nothing twice.
    expect((await postSync(app, 'collector', request([m]))).json.results).toEqual(json.results);
    expect(await count(t, 'sync_conflicts')).toBe(1);
    expect((await person()).version).toBe(3);
  });

  it('refuses other villages, bad values and a base version from the future', async () => {
    const { json } = await postSync(app, 'collector', request([
      personUpdate(w.p2, 1, { relation: '配偶' }),
      personUpdate(w.p1, 1, { phone: '12345' }),
      personUpdate(w.p1, 1, { name: '\u202Eevil' }),
      personUpdate(w.p1, 5, { birthYear: 1950 }),
    ]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['forbidden', 'out_of_scope'], ['rejected', 'invalid_field'], ['rejected', 'invalid_field'], ['rejected', 'base_version_ahead'],
    ]);
    expect((await person()).version).toBe(1);
    expect((await t.db.selectFrom('persons').select('version').where('id', '=', w.p2).executeTakeFirstOrThrow()).version).toBe(1);
  });
});
