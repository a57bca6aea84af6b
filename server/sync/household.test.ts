import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test/databases';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { listOpenConflicts } from '../repositories/household-writes';
import { count, householdUpdate, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';

describe.each(await testDialects())('household.update merge on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  const household = () => t.db.selectFrom('households').selectAll().where('id', '=', w.h1).executeTakeFirstOrThrow();

  it('applies an edit, bumps the version, and the pull carries it', async () => {
    const m = householdUpdate(w.h1, 1, { phone: '+86 138-1234-5678', groupNo: 3 });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results).toEqual([{ id: m.id, status: 'applied' }]);
    expect(await household()).toMatchObject({ phone: '13812345678', group_no: 3, version: 2, head_name: '张三' });
    const page = json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!;
    expect(decodeRows('household', page.tables.household!).find((h) => h.id === w.h1)).toMatchObject({ phone: '13812345678', version: 2 });
    // Nothing to change: acknowledged, no new version.
    expect((await postSync(app, 'collector', request([householdUpdate(w.h1, 2, { groupNo: 3 })]))).json.results[0].status).toBe('applied');
    expect((await household()).version).toBe(2);
  });

  it('keeps the server value of a field changed on both sides and records the conflict', async () => {
    // Two phones start from version 1. The first edits the head's name and group.
    await postSync(app, 'collector2', request([householdUpdate(w.h1, 1, { headName: '张三丰', groupNo: 2 })]));
    // The second edits the name differently, the phone, and the group to the same value.
    const m = householdUpdate(w.h1, 1, { headName: '张小三', phone: '13900001111', groupNo: 2 });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results[0]).toMatchObject({ id: m.id, status: 'conflict', code: 'field_conflict', fields: ['headName'] });
    expect(json.results[0].message).toContain('户主姓名');
    expect(await household()).toMatchObject({ head_name: '张三丰', phone: '13900001111', group_no: 2, version: 3 });

    const open = await listOpenConflicts(t.db, w.v1);
    expect(open).toEqual([expect.objectContaining({
      entity: 'household', entityId: w.h1, field: 'headName', baseVersion: 1, serverValue: '张三丰', clientValue: '张小三',
      mutationId: m.id, userId: w.users.collector.id, status: 'open',
    })]);

    // A replay gets the same answer and records nothing twice.
    const again = await postSync(app, 'collector', request([m]));
    expect(again.json.results).toEqual(json.results);
    expect(await count(t, 'sync_conflicts')).toBe(1);
    expect((await household()).version).toBe(3);

    // A phone that had seen version 3 edits freely.
    expect((await postSync(app, 'collector', request([householdUpdate(w.h1, 3, { headName: '张小三' })]))).json.results[0].status).toBe('applied');
    expect((await household()).head_name).toBe('张小三');
  });

  it('refuses other villages, bad values and a base version from the future', async () => {
    const { json } = await postSync(app, 'collector', request([
      householdUpdate(w.h2, 1, { groupNo: 2 }),
      householdUpdate(w.h1, 1, { phone: '12345' }),
      householdUpdate(w.h1, 1, { headName: '\u202Eevil' }),
      householdUpdate(w.h1, 5, { groupNo: 2 }),
    ]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['forbidden', 'out_of_scope'], ['rejected', 'invalid_field'], ['rejected', 'invalid_field'], ['rejected', 'base_version_ahead'],
    ]);
    expect((await household()).version).toBe(1);
  });
});
