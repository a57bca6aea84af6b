// Edit conflicts for the village admin: two phones change the same household field from the same
// base; the committee sees the conflict and either keeps the server's value or applies the phone's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { householdUpdate, personUpdate, request } from '../../test/sync-fixture';
import { scopeOfVillage, type SyncResponse } from '../../../shared/protocol/sync';
import { decodeRows } from '../../../shared/protocol/tables';

describe.each(await testDialects())('edit conflicts on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const household = () => fx.deps.db.selectFrom('households').selectAll().where('id', '=', fx.ids.h1).executeTakeFirstOrThrow();
  const sync = async (user: 'collector' | 'collector2', body: unknown): Promise<SyncResponse> => {
    const res = await fx.request(user, 'POST', '/api/sync', body);
    expect(res.status).toBe(200);
    return (await res.json()) as SyncResponse;
  };
  /** A household.update made now by the fixture's clock (the sync fixture's own time is later). */
  const edit = (baseVersion: number, fields: Parameters<typeof householdUpdate>[2]) => ({ ...householdUpdate(fx.ids.h1, baseVersion, fields), at: fx.deps.now().toISOString() });
  const list = async (user: 'committee' | 'admin' = 'committee', villageId = fx.ids.v1) => fx.request(user, 'GET', `/api/villages/${villageId}/conflicts`);

  it('lists a field changed on two phones since the same base, and applies the phone value on request', async () => {
    const first = await sync('collector2', request([edit(1, { headName: '张三丰' })]));
    expect(first.results[0]).toMatchObject({ status: 'applied' });
    const second = await sync('collector', request([edit(1, { headName: '张小三', groupNo: 4 })]));
    expect(second.results[0]).toMatchObject({ status: 'conflict', code: 'field_conflict', fields: ['headName'] });
    const cursor = second.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!.cursor;

    const res = await list();
    expect(res.status).toBe(200);
    const { conflicts } = await res.json();
    expect(conflicts).toEqual([{
      id: expect.any(String), entity: 'household', entityId: fx.ids.h1, householdNo: '001', headName: '张三丰', field: 'headName',
      baseVersion: 1, serverValue: '张三丰', clientValue: '张小三', recordedBy: 'collector用户', createdAt: expect.any(String), status: 'open',
    }]);
    expect((await (await list('admin')).json()).conflicts).toHaveLength(1);

    // Residents and collectors may not see or resolve conflicts; another village's committee gets 404.
    expect((await fx.request('collector', 'GET', `/api/villages/${fx.ids.v1}/conflicts`)).status).toBe(403);
    expect((await fx.request('resident', 'GET', `/api/villages/${fx.ids.v1}/conflicts`)).status).toBe(403);
    expect((await fx.request('collector', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'client' })).status).toBe(403);
    expect((await fx.request('resident', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'client' })).status).toBe(403);
    expect((await fx.request('committee', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'both' })).status).toBe(400);

    const before = await household();
    expect(before).toMatchObject({ head_name: '张三丰', group_no: 4 });
    const resolved = await fx.request('committee', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'client' });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).conflict).toMatchObject({ id: conflicts[0].id, status: 'resolved', householdVersion: before.version + 1 });
    expect(await household()).toMatchObject({ head_name: '张小三', group_no: 4, version: before.version + 1 });
    const row = await fx.deps.db.selectFrom('sync_conflicts').selectAll().where('id', '=', conflicts[0].id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'resolved', resolved_by: fx.ids.users.committee, resolved_at: fx.deps.now().toISOString() });
    const fieldVersion = await fx.deps.db.selectFrom('household_field_versions').select('version')
      .where('household_id', '=', fx.ids.h1).where('field', '=', 'headName').executeTakeFirstOrThrow();
    expect(fieldVersion.version).toBe(before.version + 1);

    // A phone pulling from where it stood receives the new value.
    const pulled = await sync('collector', request([], { cursors: { [scopeOfVillage(fx.ids.v1)]: cursor } }));
    const page = pulled.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!;
    expect(decodeRows('household', page.tables.household!).find((h) => h.id === fx.ids.h1)).toMatchObject({ headName: '张小三', version: before.version + 1 });

    // Resolved: no longer listed, and not resolved twice.
    expect((await (await list()).json()).conflicts).toEqual([]);
    expect((await fx.request('committee', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'server' })).status).toBe(409);
  });

  it('lists a person field changed on two phones and applies the phone value on request', async () => {
    const personEdit = (baseVersion: number, fields: Parameters<typeof personUpdate>[2]) => ({ ...personUpdate(fx.ids.p1, baseVersion, fields), at: fx.deps.now().toISOString() });
    const person = () => fx.deps.db.selectFrom('persons').selectAll().where('id', '=', fx.ids.p1).executeTakeFirstOrThrow();
    const base = (await person()).version;
    expect((await sync('collector2', request([personEdit(base, { relation: '父亲' })]))).results[0]).toMatchObject({ status: 'applied' });
    const second = await sync('collector', request([personEdit(base, { relation: '配偶', birthYear: 1951 })]));
    expect(second.results[0]).toMatchObject({ status: 'conflict', code: 'field_conflict', fields: ['relation'] });
    const cursor = second.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!.cursor;

    const { conflicts } = await (await list()).json();
    const h = await household();
    expect(conflicts).toEqual([{
      id: expect.any(String), entity: 'person', entityId: fx.ids.p1, householdNo: h.household_no, headName: h.head_name, personName: '张三',
      field: 'relation', baseVersion: base, serverValue: '父亲', clientValue: '配偶', recordedBy: 'collector用户', createdAt: expect.any(String), status: 'open',
    }]);

    const before = await person();
    expect(before).toMatchObject({ relation: '父亲', birth_year: 1951, version: base + 2 });
    const resolved = await fx.request('committee', 'POST', `/api/conflicts/${conflicts[0].id}/resolve`, { keep: 'client' });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).conflict).toMatchObject({ id: conflicts[0].id, status: 'resolved', personVersion: before.version + 1 });
    expect(await person()).toMatchObject({ relation: '配偶', birth_year: 1951, version: before.version + 1 });
    const fieldVersion = await fx.deps.db.selectFrom('person_field_versions').select('version')
      .where('person_id', '=', fx.ids.p1).where('field', '=', 'relation').executeTakeFirstOrThrow();
    expect(fieldVersion.version).toBe(before.version + 1);

    // A phone pulling from where it stood receives the new value.
    const pulled = await sync('collector', request([], { cursors: { [scopeOfVillage(fx.ids.v1)]: cursor } }));
    const page = pulled.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!;
    expect(decodeRows('person', page.tables.person!).find((p) => p.id === fx.ids.p1)).toMatchObject({ relation: '配偶', version: before.version + 1 });
    expect((await (await list()).json()).conflicts).toEqual([]);
  });

  it('two phones moving one person to different households: both intents kept, the committee adopts the phone move', async () => {
    // Two more households of V1 (household.create through the sync, as phones add them).
    const [ha, hb] = [uuidv7(), uuidv7()];
    const create = (householdId: string, no: string) => ({
      id: uuidv7(), kind: 'household.create', deviceSeq: 900 + Number(no), at: fx.deps.now().toISOString(),
      payload: { householdId, villageId: fx.ids.v1, householdNo: `M${no}`, groupNo: 1, headName: `迁入户${no}`, phone: null },
    });
    expect((await sync('collector', request([create(ha, '1'), create(hb, '2')]))).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const person = () => fx.deps.db.selectFrom('persons').selectAll().where('id', '=', fx.ids.p2).executeTakeFirstOrThrow();
    const base = (await person()).version;
    const move = (to: string) => ({ id: uuidv7(), kind: 'person.move', deviceSeq: 950 + base, at: fx.deps.now().toISOString(), payload: { personId: fx.ids.p2, baseVersion: base, toHouseholdId: to } });
    expect((await sync('collector2', request([move(ha)]))).results[0]).toMatchObject({ status: 'applied' });
    const second = await sync('collector', request([{ ...move(hb), deviceSeq: 960 + base }]));
    expect(second.results[0]).toMatchObject({ status: 'conflict', code: 'field_conflict', fields: ['householdId'] });
    expect(await person()).toMatchObject({ household_id: ha });

    // The phone's move waits for the committee, with both sides' households.
    const { conflicts } = await (await list()).json();
    const moveConflict = conflicts.find((c: { field: string }) => c.field === 'householdId');
    expect(moveConflict).toMatchObject({ entity: 'person', entityId: fx.ids.p2, serverValue: ha, clientValue: hb, status: 'open' });
    const resolved = await fx.request('committee', 'POST', `/api/conflicts/${moveConflict.id}/resolve`, { keep: 'client' });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).conflict).toMatchObject({ status: 'resolved', personVersion: base + 2 });
    expect(await person()).toMatchObject({ household_id: hb, version: base + 2 });
  });

  it('keeps the server value without a new version', async () => {
    const id = await fx.addConflict({ field: 'groupNo', serverValue: 4, clientValue: 9 });
    const before = await household();
    const res = await fx.request('committee', 'POST', `/api/conflicts/${id}/resolve`, { keep: 'server' });
    expect(res.status).toBe(200);
    expect((await res.json()).conflict).toMatchObject({ status: 'dismissed', householdVersion: null });
    expect(await household()).toMatchObject({ group_no: before.group_no, version: before.version });
  });

  it('answers 404 for another village', async () => {
    const other = await fx.addConflict({ householdId: fx.ids.h2 });
    // committee is assigned to V1 only; V2's list and V2's conflict are out of its scope.
    expect((await list('committee', fx.ids.v2)).status).toBe(404);
    expect((await fx.request('committee', 'POST', `/api/conflicts/${other}/resolve`, { keep: 'client' })).status).toBe(404);
    expect((await fx.request('committee', 'POST', '/api/conflicts/no-such-id/resolve', { keep: 'client' })).status).toBe(404);
    // The admin of V2's township may.
    expect((await (await list('admin', fx.ids.v2)).json()).conflicts).toHaveLength(1);
  });
});
