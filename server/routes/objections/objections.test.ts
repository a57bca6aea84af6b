// Public notice, objections and their resolution through the API, on SQLite and PostgreSQL: every
// route and transition this feature owns, legal and illegal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture, TEST_ID_NUMBER } from '../../test/fixtures';
import { settleNotices } from '../notices/settle';
import { MAX_LINK_FILINGS_PER_ADDRESS } from './public-routes';

const DAY = 24 * 3600 * 1000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(await testDialects())('notices and objections on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });
  // Each test starts with no entry waiting for a notice and no open window in V1.
  beforeEach(async () => {
    await fx.deps.db.updateTable('entries').set({ state: 'rejected' }).where('village_id', '=', fx.ids.v1).where('state', 'in', ['approved', 'publicized', 'objected']).execute();
    await fx.deps.db.updateTable('notices').set({ status: 'closed' }).where('village_id', '=', fx.ids.v1).execute();
  });

  const stateOf = async (id: string) => (await fx.deps.db.selectFrom('entries').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const json = async (res: Response, status: number): Promise<Json> => {
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body as Json;
  };
  /** Publishes the village's approved entries and returns the notice, its detail and its QR token. */
  const publish = async (days?: number) => {
    const { notice } = await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, days ? { days } : {}), 201);
    const detail = await json(await fx.request('committee', 'GET', `/api/notices/${notice.id}`), 200);
    const token = (detail.objectionPath as string).replace('/o/', '');
    return { notice, detail, token };
  };

  it('previews how many entries and households go on notice, within 1–60 days', async () => {
    await fx.addEntry({ points: 5, state: 'approved' });
    await fx.addEntry({ points: -5, state: 'approved' });
    await fx.addEntry({ points: 3 }); // submitted: not on notice
    const p = await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/notices/preview`), 200);
    expect(p).toMatchObject({ entryCount: 2, householdCount: 1, days: 7 });
    expect(new Date(p.endsAt).getTime() - fx.deps.now().getTime()).toBe(7 * DAY);
    expect((await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/notices/preview?days=60`), 200)).days).toBe(60);
    expect((await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/notices/preview?days=61`), 400)).error.code).toBe('invalid_query');
    expect((await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 61 }), 400)).error.code).toBe('invalid_body');
    const { notice } = await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 60 }), 201);
    expect(new Date(notice.endsAt).getTime() - new Date(notice.startsAt).getTime()).toBe(60 * DAY);
    expect(notice.entryCount).toBe(2);
  });

  it('takes only the entries of the period asked for', async () => {
    const inside = await fx.addEntry({ points: 5, state: 'approved', occurredOn: '2025-06-01' });
    const outside = await fx.addEntry({ points: 5, state: 'approved', occurredOn: '2025-05-01' });
    const period = { periodFrom: '2025-06-01', periodTo: '2025-06-30' };
    expect((await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/notices/preview?periodFrom=2025-06-01&periodTo=2025-06-30`), 200)).entryCount).toBe(1);
    const { notice } = await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, period), 201);
    expect(await stateOf(inside)).toBe('publicized');
    expect(await stateOf(outside)).toBe('approved');
    const d = await json(await fx.request('committee', 'GET', `/api/notices/${notice.id}`), 200);
    expect(d.notice).toMatchObject({ periodFrom: '2025-06-01', periodTo: '2025-06-30', entryCount: 1 });
  });

  it('shows a notice with its households and entries; deduction rows carry no name unless the village allows it', async () => {
    await fx.addEntry({ points: 5, state: 'approved' });
    const h2 = await fx.addHousehold(fx.ids.v1, '002', '赵六');
    await fx.addEntry({ householdId: h2, points: -5, state: 'approved' });
    const { detail, token } = await publish();
    expect(detail.notice).toMatchObject({ villageName: '东村', townshipName: '测试镇', status: 'open', windowOpen: true, entryCount: 2, householdCount: 2, namesOnDeductions: false });
    expect(detail.households.map((h: Json) => [h.householdNo, h.headName])).toEqual([['001', '张三'], ['002', null]]);
    expect(JSON.stringify(detail)).not.toContain('赵六');
    expect(JSON.stringify(detail)).not.toContain(TEST_ID_NUMBER);
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // The token is stored only as a hash.
    const link = await fx.deps.db.selectFrom('notice_links').selectAll().where('notice_id', '=', detail.notice.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(link)).not.toContain(token);

    await json(await fx.request('committee', 'PUT', `/api/villages/${fx.ids.v1}/notice-settings`, { namesOnDeductions: true }), 200);
    expect((await json(await fx.request('township', 'GET', `/api/villages/${fx.ids.v1}/notice-settings`), 200)).namesOnDeductions).toBe(true);
    const named = await json(await fx.request('committee', 'GET', `/api/notices/${detail.notice.id}`), 200);
    expect(named.households.map((h: Json) => h.headName)).toEqual(['张三', '赵六']);
    await json(await fx.request('committee', 'PUT', `/api/villages/${fx.ids.v1}/notice-settings`, { namesOnDeductions: false }), 200);

    // The public page of the QR link shows the same notice, without objection counts.
    const pub = await json(await fx.request(null, 'GET', `/api/public/notices/${token}`), 200);
    expect(pub.notice).toMatchObject({ id: detail.notice.id, windowOpen: true });
    expect(pub.notice.objections).toBeUndefined();
    expect(JSON.stringify(pub)).not.toContain('赵六');
    // A resident sees the notice of their village, without the link.
    expect((await json(await fx.request('resident', 'GET', `/api/notices/${detail.notice.id}`), 200)).objectionPath).toBeNull();
  });

  it('a resident objects: publicized → objected; upheld → rejected, and the resident sees the reason', async () => {
    const id = await fx.addEntry({ points: 8, state: 'approved' });
    const { notice } = await publish();
    const bad = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: `身份证${TEST_ID_NUMBER}` }), 400);
    expect(bad.error.code).toBe('grounds_id_number');
    expect((await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '' }), 400)).error.code).toBe('grounds_empty');
    const { objection } = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '当天他不在村里，没有参加义务劳动' }), 201);
    expect(await stateOf(id)).toBe('objected');

    const list = await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/objections?status=pending`), 200);
    expect(list.objections).toEqual([expect.objectContaining({ id: objection.id, entryId: id, householdNo: '001', points: 8, filer: expect.objectContaining({ kind: 'resident', householdId: fx.ids.h1 }) })]);

    // The recorder of the entry may not resolve it; a reason is required.
    expect((await json(await fx.request('committee', 'POST', `/api/objections/${objection.id}/resolution`, { resolution: 'upheld', reason: '' }), 400)).error.code).toBe('reason_empty');
    const r = await json(await fx.request('committee', 'POST', `/api/objections/${objection.id}/resolution`, { resolution: 'upheld', reason: '经核实，当天确实不在村' }), 200);
    expect(r).toMatchObject({ entryState: 'rejected', objection: { status: 'upheld', resolutionReason: '经核实，当天确实不在村' } });
    expect(await stateOf(id)).toBe('rejected');
    // Resolving twice is a conflict.
    const twice = await json(await fx.request('committee2', 'POST', `/api/objections/${objection.id}/resolution`, { resolution: 'dismissed', reason: '再次处理' }), 409);
    expect(twice.error).toMatchObject({ code: 'objection_resolved', message: '该异议已处理' });

    const mine = await json(await fx.request('resident', 'GET', '/api/objections/mine'), 200);
    expect(mine.objections[0]).toMatchObject({ id: objection.id, status: 'upheld', resolutionReason: '经核实，当天确实不在村' });
    expect(mine.objections[0].filer).toBeUndefined();
    const events = await fx.deps.db.selectFrom('entry_events').select(['from_state', 'to_state', 'actor_id']).where('entry_id', '=', id).orderBy('at').orderBy('id').execute();
    expect(events.map((e) => e.to_state)).toEqual(['publicized', 'objected', 'rejected']);
    expect(events[1].actor_id).toBe(fx.ids.users.resident);
  });

  it('a member does not resolve an objection to an entry they recorded', async () => {
    const id = await fx.addEntry({ points: 8, state: 'approved', recorder: 'committee' });
    const { notice } = await publish();
    const { objection } = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '记录有误，请核实' }), 201);
    expect((await json(await fx.request('committee', 'POST', `/api/objections/${objection.id}/resolution`, { resolution: 'dismissed', reason: '无误' }), 403)).error.code).toBe('own_entry');
    await json(await fx.request('committee2', 'POST', `/api/objections/${objection.id}/resolution`, { resolution: 'dismissed', reason: '无误' }), 200);
  });

  it('anyone with the QR link objects; dismissed while the window runs → back on notice, then effective at its end', async () => {
    const id = await fx.addEntry({ points: 6, state: 'approved' });
    const { notice, token } = await publish(7);
    const filed = await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '这家没有参加巡逻', name: '王 大妈', phone: '13900000000' }), 201);
    expect(filed.receipt).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(filed.receiptPath).toBe(`/o/receipt/${filed.receipt}`);
    expect(await stateOf(id)).toBe('objected');
    const stored = await fx.deps.db.selectFrom('objections').selectAll().where('id', '=', filed.objection.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ filer_name: '王 大妈', filer_phone: '13900000000', filed_by: null });
    expect(JSON.stringify(stored)).not.toContain(filed.receipt);

    const status = await json(await fx.request(null, 'GET', `/api/public/objections/${filed.receipt}`), 200);
    expect(status.objection).toMatchObject({ status: 'pending' });
    expect(status.objection.filer).toBeUndefined();
    expect(status.entry).toMatchObject({ householdNo: '001', points: 6 });

    // Bad filer details are refused with the shared rules' messages.
    expect((await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '理由理由', phone: '123' }), 400)).error.code).toMatch(/^phone_/);
    // An entry of another notice is not on this one.
    expect((await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: 'nope', grounds: '理由理由' }), 404)).error.code).toBe('not_found');

    fx.clock.advance(2 * DAY);
    await json(await fx.request('committee', 'POST', `/api/objections/${filed.objection.id}/resolution`, { resolution: 'dismissed', reason: '巡逻记录有签到表为证' }), 200);
    expect(await stateOf(id)).toBe('publicized');
    expect((await json(await fx.request(null, 'GET', `/api/public/objections/${filed.receipt}`), 200)).objection).toMatchObject({ status: 'dismissed', resolutionReason: '巡逻记录有签到表为证' });
    fx.clock.advance(5 * DAY);
    expect(await settleNotices(fx.deps, fx.deps.now())).toBe(1);
    expect(await stateOf(id)).toBe('effective');
    expect((await json(await fx.request('committee', 'GET', `/api/notices/${notice.id}`), 200)).notice).toMatchObject({ status: 'closed', windowOpen: false });
  });

  it('refuses an objection once the window has ended (409 notice_closed), with or without settlement', async () => {
    const id = await fx.addEntry({ points: 6, state: 'approved' });
    const { notice, token } = await publish(3);
    fx.clock.advance(3 * DAY); // the window ends exactly now: not settled yet
    const late = await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '我有异议' }), 409);
    expect(late.error).toEqual({ code: 'notice_closed', message: '公示期已结束，不能再提出异议' });
    await settleNotices(fx.deps, fx.deps.now());
    expect((await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '我有异议' }), 409)).error.code).toBe('notice_closed');
    expect(await stateOf(id)).toBe('effective');
  });

  it('an objection racing the window’s end either lands (the entry waits) or is refused, never both', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await fx.addEntry({ points: 4, state: 'approved' });
      const { token } = await publish(1);
      fx.clock.advance(DAY - 1); // 1 ms before the end: the filing sees the window open…
      const filing = fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '最后一刻的异议' });
      // …while a settler running a moment later (at the end) tries to claim the notice.
      const settling = settleNotices(fx.deps, new Date(fx.deps.now().getTime() + 1));
      const [res, settled] = await Promise.all([filing, settling]);
      const state = await stateOf(id);
      if (res.status === 201) {
        expect(state).toBe('objected');
        expect(settled).toBe(0);
      } else {
        expect(res.status).toBe(409);
        expect(state).toBe('effective');
      }
      fx.clock.advance(DAY);
      await settleNotices(fx.deps, fx.deps.now());
    }
  });

  it('dismissed after the window closed → effective; amended → replaced by a new entry for the corrected points', async () => {
    const a = await fx.addEntry({ points: -5, state: 'approved', indicatorCode: 'B06' });
    const b = await fx.addEntry({ points: 10, state: 'approved', indicatorCode: 'B02' });
    const { notice, token } = await publish(7);
    const fa = await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: a, grounds: '没有乱倒垃圾' }), 201);
    const fb = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: b, grounds: '拾到的钱包不值这么多分' }), 201);
    fx.clock.advance(8 * DAY);
    expect(await settleNotices(fx.deps, fx.deps.now())).toBe(0); // both wait for their objections
    expect([await stateOf(a), await stateOf(b)]).toEqual(['objected', 'objected']);

    await json(await fx.request('committee', 'POST', `/api/objections/${fa.objection.id}/resolution`, { resolution: 'dismissed', reason: '有照片为证' }), 200);
    expect(await stateOf(a)).toBe('effective');

    const wrong = await json(await fx.request('committee', 'POST', `/api/objections/${fb.objection.id}/resolution`, { resolution: 'amended', reason: '改分', points: -5 }), 400);
    expect(wrong.error.code).toBe('points_invalid');
    expect((await json(await fx.request('committee', 'POST', `/api/objections/${fb.objection.id}/resolution`, { resolution: 'amended', reason: '改分' }), 400)).error.code).toBe('points_required');
    const r = await json(await fx.request('committee', 'POST', `/api/objections/${fb.objection.id}/resolution`, { resolution: 'amended', reason: '钱包内现金较少，按5分计', points: 5 }), 200);
    expect(r.entryState).toBe('amended');
    expect(await stateOf(b)).toBe('amended');
    const replacement = await fx.deps.db.selectFrom('entries').selectAll().where('id', '=', r.replacementEntryId).executeTakeFirstOrThrow();
    expect(replacement).toMatchObject({ points: 5, state: 'effective', notice_id: notice.id, household_id: fx.ids.h1, indicator_code: 'B02' });
    const o = await fx.deps.db.selectFrom('objections').selectAll().where('id', '=', fb.objection.id).executeTakeFirstOrThrow();
    expect(o).toMatchObject({ status: 'amended', replacement_entry_id: r.replacementEntryId });
    // Both changes reach phones: the pull log holds the old and the new entry.
    const changes = await fx.deps.db.selectFrom('changes').select('entity_id').where('entity', '=', 'entry').where('entity_id', 'in', [b, r.replacementEntryId]).execute();
    expect(changes).toHaveLength(2);
  });

  it('two objections to one entry: a dismissal keeps it objected until the other is resolved', async () => {
    const id = await fx.addEntry({ points: 5, state: 'approved' });
    const { notice, token } = await publish(7);
    const o1 = await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '第一条异议' }), 201);
    const o2 = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '第二条异议' }), 201);
    await json(await fx.request('committee', 'POST', `/api/objections/${o1.objection.id}/resolution`, { resolution: 'dismissed', reason: '不成立' }), 200);
    expect(await stateOf(id)).toBe('objected');
    await json(await fx.request('committee', 'POST', `/api/objections/${o2.objection.id}/resolution`, { resolution: 'dismissed', reason: '也不成立' }), 200);
    expect(await stateOf(id)).toBe('publicized');
  });

  it('refuses an objection to an entry no longer on notice (409 invalid_state)', async () => {
    const id = await fx.addEntry({ points: 5, state: 'approved' });
    const { token } = await publish(7);
    await fx.deps.db.updateTable('entries').set({ state: 'rejected' }).where('id', '=', id).execute();
    const res = await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '我有异议' }), 409);
    expect(res.error.code).toBe('invalid_state');
    expect(res.error.message).toMatch(/已驳回/);
  });

  it('guardrail 2: a deduction becomes effective only after its public notice window', async () => {
    const id = await fx.addEntry({ points: -10, state: 'approved', indicatorCode: 'B07' });
    const standing = async () => (await json(await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`), 200)).standing.standing as number;
    const before = await standing();
    await publish(7);
    expect(await stateOf(id)).toBe('publicized');
    fx.clock.advance(7 * DAY - 1000);
    expect(await standing()).toBe(before); // still on notice: not counted
    expect(await stateOf(id)).toBe('publicized');
    fx.clock.advance(1000);
    expect(await standing()).toBe(before - 10); // window over, no objection: effective
    expect(await stateOf(id)).toBe('effective');
  });

  it('limits filings through the link per client address (429), not a logged-in resident', async () => {
    const id = await fx.addEntry({ points: 5, state: 'approved' });
    const { notice, token } = await publish(7);
    let refusedAt = 0;
    for (let i = 1; i <= MAX_LINK_FILINGS_PER_ADDRESS + 1 && !refusedAt; i++) {
      const res = await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: `第${i}条异议` });
      if (res.status === 429) {
        expect((await res.json()).error.code).toBe('too_many_objections');
        refusedAt = i;
      } else expect(res.status).toBe(201);
    }
    expect(refusedAt).toBeGreaterThan(0);
    expect(refusedAt).toBeLessThanOrEqual(MAX_LINK_FILINGS_PER_ADDRESS + 1);
    await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '登录村民的异议' }), 201);
    // A quarter hour later the address may file again.
    fx.clock.advance(16 * 60 * 1000);
    await json(await fx.request(null, 'POST', `/api/public/notices/${token}/objections`, { entryId: id, grounds: '稍后的异议' }), 201);
  });
});
