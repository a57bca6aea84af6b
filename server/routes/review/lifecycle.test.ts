// Every transition of domain.md's entry life cycle through the API, legal and illegal, on SQLite
// and PostgreSQL: review decisions, withdraw and resubmit by sync, publicize and settle, the
// objection arrows through the one transition function, and reversal. Every change is an event,
// reaches phones by sync (with its reason) and shows in the household's history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../../test/fixtures';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type MutationResult, type SyncResponse } from '../../../shared/protocol/sync';
import { decodeRows, type EntryDto } from '../../../shared/protocol/tables';
import { transitionEntries } from '../../repositories/entry-events';
import { writeTransaction } from '../../db/transaction';
import { settleNotices } from '../notices/settle';

const DAY = 24 * 3600 * 1000;
const DEVICE = '0190a000-0000-7000-8000-00000000d0d0';

describe.each(await testDialects())('entry life cycle on %s', (dialect) => {
  let fx: Fixture;
  let seq = 0;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const decide = (user: FixtureUser, id: string, decision: string, reason = '', basis: unknown = null) =>
    fx.request(user, 'POST', `/api/review/entries/${id}/decisions`, { decision, reason, basis });
  const sync = async (user: FixtureUser, mutations: unknown[], cursors: Record<string, number> = {}): Promise<SyncResponse> => {
    const res = await fx.request(user, 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations, cursors });
    expect(res.status).toBe(200);
    return res.json();
  };
  const push1 = async (user: FixtureUser, kind: string, payload: unknown): Promise<MutationResult> =>
    (await sync(user, [{ id: uuidv7(), kind, deviceSeq: ++seq, at: fx.deps.now().toISOString(), payload }])).results[0];
  const stateOf = async (id: string) => (await fx.deps.db.selectFrom('entries').select(['state', 'state_reason', 'revision', 'points', 'indicator_code', 'note']).where('id', '=', id).executeTakeFirstOrThrow());
  const eventsOf = async (id: string) => fx.deps.db.selectFrom('entry_events').select(['from_state', 'to_state', 'actor_id', 'reason']).where('entry_id', '=', id).orderBy('at').orderBy('id').execute();
  const resubmit = (id: string, revision: number, over: Record<string, unknown> = {}) => push1('collector', 'entry.resubmit', {
    entryId: id, revision, personId: fx.ids.p1, catalogVersionId: fx.ids.cv1, indicatorCode: 'B02', occurredOn: '2025-06-14', points: 8, note: '已补充：交还钱包，失主王某确认', ...over,
  });

  it('submitted → approved | rejected | returned by the committee, each an event with its reason', async () => {
    for (const [decision, reason, to] of [['approve', '', 'approved'], ['reject', '与事实不符', 'rejected'], ['return', '请写明时间地点', 'returned']] as const) {
      const id = await fx.addEntry({ points: 5 });
      const res = await decide('committee', id, decision, reason);
      expect(res.status).toBe(200);
      expect(await stateOf(id)).toMatchObject({ state: to, state_reason: reason });
      expect(await eventsOf(id)).toEqual([{ from_state: 'submitted', to_state: to, actor_id: fx.ids.users.committee, reason }]);
    }
  });

  it('refuses every decision on an entry that is not submitted (409 invalid_state, Chinese message)', async () => {
    for (const state of ['approved', 'rejected', 'returned', 'publicized', 'objected', 'effective', 'amended', 'reversed', 'withdrawn'] as const) {
      const id = await fx.addEntry({ points: 5, state });
      for (const decision of ['approve', 'reject', 'return']) {
        const res = await decide('committee', id, decision, '理由');
        expect(res.status).toBe(409);
        const { error } = await res.json();
        expect(error.code).toBe('invalid_state');
        expect(error.message).toMatch(/^该记录当前状态为「.+」，不能/);
      }
      expect((await stateOf(id)).state).toBe(state);
      expect(await eventsOf(id)).toEqual([]);
    }
  });

  it('a return reason reaches the collector by sync and the household by its history', async () => {
    const id = await fx.addEntry({ points: 5 });
    await decide('committee', id, 'return', '请补充照片和地点');
    const pulled = await sync('collector', []);
    const table = pulled.changes.find((c) => c.scope === `village:${fx.ids.v1}`)?.tables.entry;
    const row = decodeRows('entry', table!).find((e: EntryDto) => e.id === id);
    expect(row).toMatchObject({ state: 'returned', stateReason: '请补充照片和地点', revision: 1 });

    const household = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(household.entries.find((e: EntryDto) => e.id === id)).toMatchObject({ state: 'returned', stateReason: '请补充照片和地点' });
    expect(household.history.filter((h: { entryId: string }) => h.entryId === id)).toEqual([
      expect.objectContaining({ fromState: 'submitted', toState: 'returned', reason: '请补充照片和地点' }),
    ]);
  });

  it('returned → submitted: the recorder corrects and resubmits; the old version is kept', async () => {
    const id = await fx.addEntry({ points: 5 });
    await decide('committee', id, 'return', '分值不对，应为 8 分');
    expect(await resubmit(id, 1)).toMatchObject({ status: 'applied' });
    expect(await stateOf(id)).toMatchObject({ state: 'submitted', revision: 2, points: 8, note: '已补充：交还钱包，失主王某确认', state_reason: '' });
    const history = await (await fx.request('committee', 'GET', `/api/review/entries/${id}/history`)).json();
    expect(history.revisions).toEqual([expect.objectContaining({ revision: 1, points: 5, returnReason: '分值不对，应为 8 分' })]);
    expect(history.events.map((e: { toState: string }) => e.toState)).toEqual(['returned', 'submitted']);
    expect(history.events[1]).toMatchObject({ actorId: fx.ids.users.collector, actorName: 'collector用户' });
    // Back in the queue, and approved like any entry.
    const queue = await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).json();
    expect(queue.entries.some((e: EntryDto) => e.id === id)).toBe(true);
    expect((await decide('committee', id, 'approve')).status).toBe(200);
  });

  it('a correction may add photos: stored after the entry\'s own, the same photo not twice, the photo limits apply', async () => {
    const id = await fx.addEntry({ points: 5 });
    await decide('committee', id, 'return', '请补一张照片');
    const photo = (n: number) => ({ hash: String(n).repeat(64).slice(0, 64), size: 120_000, type: 'image/jpeg', takenAt: fx.deps.now().toISOString() });
    expect(await resubmit(id, 1, { evidence: [photo(1), photo(1)] })).toMatchObject({ status: 'rejected', code: 'evidence_duplicate' });
    expect(await resubmit(id, 1, { evidence: [{ ...photo(2), type: 'image/gif' }] })).toMatchObject({ status: 'rejected', code: 'evidence_type' });
    expect(await resubmit(id, 1, { evidence: [photo(1), photo(2)] })).toMatchObject({ status: 'applied' });
    const rows = await fx.deps.db.selectFrom('entry_evidence').select(['sha256', 'position']).where('entry_id', '=', id).orderBy('position').execute();
    expect(rows).toEqual([{ sha256: photo(1).hash, position: 0 }, { sha256: photo(2).hash, position: 1 }]);
    // Returned again and corrected again with one photo already there and one new.
    await decide('committee', id, 'return', '再补一张');
    expect(await resubmit(id, 2, { evidence: [photo(2), photo(3)] })).toMatchObject({ status: 'applied' });
    const after = await fx.deps.db.selectFrom('entry_evidence').select(['sha256', 'position']).where('entry_id', '=', id).orderBy('position').execute();
    expect(after.map((r) => r.position)).toEqual([0, 1, 2]);
    expect(after[2].sha256).toBe(photo(3).hash);
  });

  it('refuses a resubmission that is stale, of another recorder, of an entry not returned, or breaks the rules', async () => {
    const id = await fx.addEntry({ points: 5 });
    expect(await resubmit(id, 1)).toMatchObject({ status: 'rejected', code: 'invalid_state', message: expect.stringContaining('不能重新提交') });
    await decide('committee', id, 'return', '请改');
    expect(await resubmit(id, 2)).toMatchObject({ status: 'conflict', code: 'stale_revision' });
    expect(await push1('collector2', 'entry.resubmit', { entryId: id, revision: 1, personId: null, catalogVersionId: fx.ids.cv1, indicatorCode: 'B02', occurredOn: '2025-06-14', points: 8, note: '' }))
      .toMatchObject({ status: 'forbidden' });
    expect(await resubmit(id, 1, { points: 500 })).toMatchObject({ status: 'rejected', code: 'points_range' });
    expect(await resubmit(id, 1, { occurredOn: '2030-01-01' })).toMatchObject({ status: 'rejected', code: 'future_time' });
    expect((await stateOf(id))).toMatchObject({ state: 'returned', revision: 1, points: 5 });
  });

  it('submitted | returned → withdrawn by the recorder; anything else refused', async () => {
    const submitted = await fx.addEntry({ points: 5 });
    expect(await push1('collector', 'entry.withdraw', { entryId: submitted, reason: '录错了' })).toMatchObject({ status: 'applied' });
    const returned = await fx.addEntry({ points: 5 });
    await decide('committee', returned, 'return', '请改');
    expect(await push1('collector', 'entry.withdraw', { entryId: returned, reason: '不改了' })).toMatchObject({ status: 'applied' });
    expect(await stateOf(returned)).toMatchObject({ state: 'withdrawn', state_reason: '不改了' });
    expect((await eventsOf(returned)).at(-1)).toMatchObject({ from_state: 'returned', to_state: 'withdrawn', reason: '不改了' });
    // Withdrawn entries leave the queue.
    const queue = await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).json();
    expect(queue.entries.some((e: EntryDto) => e.id === submitted || e.id === returned)).toBe(false);

    const approved = await fx.addEntry({ points: 5, state: 'approved' });
    expect(await push1('collector', 'entry.withdraw', { entryId: approved, reason: '' }))
      .toMatchObject({ status: 'rejected', code: 'not_withdrawable', message: '该记录当前状态为「已通过」，不能撤回' });
  });

  it('approved → publicized → effective; objection arrows go through the same table', async () => {
    const a = await fx.addEntry({ points: 6, state: 'approved' });
    const res = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, {});
    expect(res.status).toBe(201);
    expect((await stateOf(a)).state).toBe('publicized');
    fx.clock.advance(8 * DAY);
    await settleNotices(fx.deps, fx.deps.now());
    expect((await stateOf(a)).state).toBe('effective');
    expect((await eventsOf(a)).map((e) => e.to_state)).toEqual(['publicized', 'effective']);

    const move = (id: string, from: 'publicized' | 'objected' | 'effective', event: 'object' | 'dismiss' | 'uphold' | 'amend' | 'settle', actor: 'objector' | 'committee' | 'system') =>
      writeTransaction(fx.deps, (trx) => transitionEntries(trx, { villageId: fx.ids.v1, entryIds: [id], from, event, actor, actorId: 'test', reason: '理由', at: fx.deps.now().toISOString() }));
    for (const [event, to] of [['dismiss', 'effective'], ['uphold', 'rejected'], ['amend', 'amended']] as const) {
      const id = await fx.addEntry({ points: 5, state: 'publicized' });
      expect(await move(id, 'publicized', 'object', 'objector')).toBe('objected');
      expect(await move(id, 'objected', event, 'committee')).toBe(to);
      expect((await stateOf(id)).state).toBe(to);
    }
    const eff = await fx.addEntry({ points: 5, state: 'effective' });
    await expect(move(eff, 'effective', 'object', 'objector')).rejects.toMatchObject({ status: 409, code: 'invalid_state' });
    const pub = await fx.addEntry({ points: 5, state: 'publicized' });
    await expect(move(pub, 'publicized', 'settle', 'committee')).rejects.toMatchObject({ status: 403, code: 'actor_not_allowed' });
    expect((await stateOf(pub)).state).toBe('publicized');
  });

  it('effective → reversed only by a reversing entry, itself reviewed; the pair is shown together', async () => {
    const original = await fx.addEntry({ points: 5, state: 'effective' });
    const notYet = await fx.addEntry({ points: 5, state: 'approved' });
    const reversal = (target: string) => ({ entryId: uuidv7(), householdId: fx.ids.h1, personId: fx.ids.p1, catalogVersionId: fx.ids.cv1, indicatorCode: 'B02', occurredOn: '2025-06-14', points: -5, note: '重复录入，冲正', reverses: target });
    expect(await push1('collector', 'entry.create', reversal(notYet))).toMatchObject({ status: 'rejected', code: 'not_reversible' });
    const body = reversal(original);
    expect(await push1('collector', 'entry.create', body)).toMatchObject({ status: 'applied' });
    expect(await push1('collector', 'entry.create', reversal(original))).toMatchObject({ status: 'rejected', code: 'already_reversed' });

    // Reviewed like any entry, with one approver (a reversal is not a deduction) and no basis.
    const queue = await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).json();
    expect(queue.entries.find((e: EntryDto) => e.id === body.entryId)).toMatchObject({ isDeduction: false, approvalsNeeded: 1, reversesEntry: { id: original, points: 5, state: 'effective' } });
    expect((await decide('committee', body.entryId, 'approve')).status).toBe(200);
    expect((await stateOf(original)).state).toBe('effective');
    await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, {});
    fx.clock.advance(8 * DAY);
    await settleNotices(fx.deps, fx.deps.now());
    expect((await stateOf(body.entryId)).state).toBe('effective');
    expect(await stateOf(original)).toMatchObject({ state: 'reversed', state_reason: '冲正记录已生效' });
    expect((await eventsOf(original)).at(-1)).toMatchObject({ from_state: 'effective', to_state: 'reversed', actor_id: 'system' });

    const household = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(household.entries.find((e: EntryDto) => e.id === original)).toMatchObject({ state: 'reversed', reversedBy: body.entryId });
    const history = await (await fx.request('committee', 'GET', `/api/review/entries/${original}/history`)).json();
    expect(history.reversedBy.map((e: EntryDto) => e.id)).toEqual([body.entryId]);
    const reverseHistory = await (await fx.request('committee', 'GET', `/api/review/entries/${body.entryId}/history`)).json();
    expect(reverseHistory.reverses).toMatchObject({ id: original, state: 'reversed' });
  });
});
