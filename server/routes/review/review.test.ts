// Review rules of docs/api.md: own entry 403, two approvers for deductions, reasons required,
// illegal transitions 409, and every state change in entry_events and the pull log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';

describe.each(await testDialects())('review on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const BASIS = { kind: 'village_rule', text: '村规民约第5条' };
  const decide = (user: 'committee' | 'committee2' | 'admin' | 'collector', entryId: string, decision: string, reason = '', basis: unknown = BASIS) =>
    fx.request(user, 'POST', `/api/review/entries/${entryId}/decisions`, { decision, reason, basis });
  const events = (entryId: string) =>
    fx.deps.db.selectFrom('entry_events').select(['from_state', 'to_state', 'actor_id', 'reason']).where('entry_id', '=', entryId).orderBy('at').orderBy('id').execute();
  const changeOf = (entryId: string) =>
    fx.deps.db.selectFrom('changes').select(['scope', 'seq']).where('entity', '=', 'entry').where('entity_id', '=', entryId).executeTakeFirst();

  it('lists submitted entries of the village with names and approval counts', async () => {
    const id = await fx.addEntry({ points: 5 });
    const res = await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`);
    expect(res.status).toBe(200);
    const item = (await res.json()).entries.find((e: { id: string }) => e.id === id);
    expect(item).toMatchObject({ householdNo: '001', headName: '张三', indicatorNameZh: '拾金不昧', recorderName: 'collector用户', approvals: 0, approvalsNeeded: 1, state: 'submitted' });
  });

  it('approves a positive entry with one approver, writing an event and a change', async () => {
    const id = await fx.addEntry({ points: 5 });
    const res = await decide('committee', id, 'approve');
    expect(res.status).toBe(200);
    expect((await res.json()).entry).toMatchObject({ id, state: 'approved' });
    expect(await events(id)).toEqual([{ from_state: 'submitted', to_state: 'approved', actor_id: fx.ids.users.committee, reason: '' }]);
    expect(await changeOf(id)).toMatchObject({ scope: `village:${fx.ids.v1}` });
  });

  it('never lets a recorder decide on their own entry (403 own_entry)', async () => {
    const id = await fx.addEntry({ points: 5, recorder: 'committee' });
    const res = await decide('committee', id, 'approve');
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('own_entry');
    expect((await decide('committee2', id, 'approve')).status).toBe(200);
  });

  it('needs two distinct approvers for a deduction', async () => {
    const id = await fx.addEntry({ points: -5 });
    const first = await decide('committee', id, 'approve');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ entry: { state: 'submitted' }, approvals: 1, approvalsNeeded: 2 });
    const queue = await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).json();
    expect(queue.entries.find((e: { id: string }) => e.id === id)).toMatchObject({ approvals: 1, approvalsNeeded: 2 });

    const again = await decide('committee', id, 'approve');
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('already_approved');

    const second = await decide('committee2', id, 'approve');
    expect(second.status).toBe(200);
    expect((await second.json()).entry.state).toBe('approved');
    const ev = await events(id);
    expect(ev.map((e) => [e.from_state, e.to_state, e.actor_id])).toEqual([
      ['submitted', 'submitted', fx.ids.users.committee],
      ['submitted', 'approved', fx.ids.users.committee2],
    ]);
  });

  it('serialises two approvers deciding at the same moment', async () => {
    const id = await fx.addEntry({ points: -5 });
    const [a, b] = await Promise.all([decide('committee', id, 'approve'), decide('committee2', id, 'approve')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const ev = await events(id);
    expect(ev.map((e) => e.to_state).sort()).toEqual(['approved', 'submitted']);
    const row = await fx.deps.db.selectFrom('entries').select(['state', 'basis_kind']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'approved', basis_kind: 'village_rule' });
  });

  it('lets only one of two members deciding a positive entry at once change its state', async () => {
    const id = await fx.addEntry({ points: 5 });
    const [a, b] = await Promise.all([decide('committee', id, 'approve'), decide('committee2', id, 'reject', '重复录入')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect((await loser.json()).error.code).toBe('invalid_state');
    const ev = await events(id);
    expect(ev).toHaveLength(1);
    const row = await fx.deps.db.selectFrom('entries').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe(ev[0].to_state);
  });

  it('guardrail 2: a deduction needs evidence, a stated basis and two different approvers', async () => {
    const noEvidence = await fx.addEntry({ points: -5, note: '  ' });
    const res = await decide('committee', noEvidence, 'approve');
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('evidence_required');

    const id = await fx.addEntry({ points: -5 });
    for (const basis of [null, { kind: 'village_rule', text: ' ' }, { kind: 'hearsay', text: '听说的' }]) {
      const r = await decide('committee', id, 'approve', '', basis);
      expect([400, 409]).toContain(r.status);
      expect(['basis_required', 'invalid_body']).toContain((await r.json()).error.code);
    }
    const first = await decide('committee', id, 'approve', '', { kind: 'official_finding', text: '镇综合执法队处罚决定书〔2025〕12号' });
    expect(await first.json()).toMatchObject({ entry: { state: 'submitted', basis: { kind: 'official_finding' } }, approvals: 1, approvalsNeeded: 2 });
    expect((await decide('committee', id, 'approve')).status).toBe(409);
    // The second approver confirms the stated basis; it need not state it again.
    const second = await decide('committee2', id, 'approve', '', null);
    expect((await second.json()).entry).toMatchObject({ state: 'approved', basis: { kind: 'official_finding', text: '镇综合执法队处罚决定书〔2025〕12号' } });
    const ev = await events(id);
    expect(new Set(ev.map((e) => e.actor_id)).size).toBe(2);
  });

  it('needs a reason to reject or return', async () => {
    const id = await fx.addEntry({ points: 5 });
    for (const decision of ['reject', 'return']) {
      const res = await decide('committee', id, decision, '   ');
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('reason_required');
    }
    const ok = await decide('committee', id, 'reject', '与事实不符');
    expect(ok.status).toBe(200);
    expect((await ok.json()).entry.state).toBe('rejected');
    expect((await events(id))[0]).toMatchObject({ to_state: 'rejected', reason: '与事实不符' });
    const stored = await fx.deps.db.selectFrom('entries').select('state_reason').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.state_reason).toBe('与事实不符');

    const returned = await fx.addEntry({ points: 5 });
    const r = await decide('admin', returned, 'return', '请补充照片');
    expect((await r.json()).entry.state).toBe('returned');
  });

  it('answers illegal transitions with 409 invalid_state', async () => {
    const id = await fx.addEntry({ points: 5, state: 'effective' });
    const res = await decide('committee', id, 'approve');
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('invalid_state');
    const rejected = await fx.addEntry({ points: 5 });
    await decide('committee', rejected, 'reject', '重复录入');
    expect((await decide('committee2', rejected, 'approve')).status).toBe(409);
  });

  it('keeps collectors out (403) and other villages invisible (404)', async () => {
    const id = await fx.addEntry({ points: 5 });
    expect((await decide('collector', id, 'approve')).status).toBe(403);
    const other = await fx.addEntry({ householdId: fx.ids.h2, points: 5 });
    expect((await decide('committee', other, 'approve')).status).toBe(404);
    expect((await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v2}`)).status).toBe(404);
    expect((await fx.request('committee', 'GET', '/api/review/queue')).status).toBe(400);
  });
});
