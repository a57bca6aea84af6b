// The credit ledger through the API on SQLite and PostgreSQL (issue 7): the record life cycle
// (phone → review → reversal), negative records (document + issuer, notice to the household,
// objection), the five-year cut-off with a shifted clock and the retention job, an evaluation
// round with a disagreement, grade rules with their explanation, perks, repair, the township's
// sample check, and bank sharing only with consent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../../test/fixtures';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type SyncResponse } from '../../../shared/protocol/sync';
import { decodeRows } from '../../../shared/protocol/tables';
import { recordConsent } from '../../repositories/consents';
import { purgeExpiredNegativeCredit } from './retention';

const DEVICE = '0190a000-0000-7000-8000-00000000c7c7';
const DAY = 86_400_000;

describe.each(await testDialects())('credit ledger on %s', (dialect) => {
  let fx: Fixture;
  let seq = 0;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const json = async (res: Response, status = 200) => {
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body;
  };
  const sync = async (user: FixtureUser, mutations: unknown[]): Promise<SyncResponse> =>
    json(await fx.request(user, 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations, cursors: {} }));
  const office = (user: FixtureUser, body: Record<string, unknown>) => fx.request(user, 'POST', `/api/credit/villages/${fx.ids.v1}/records`, {
    householdId: fx.ids.h1, personId: null, kind: 'honour', source: 'township', occurredOn: '2025-05-01', documentNo: '', issuer: '', note: '', ...body,
  });
  const decide = (user: FixtureUser, id: string, decision: string, reason = '', extra: Record<string, unknown> = {}) =>
    fx.request(user, 'POST', `/api/credit/records/${id}/decisions`, { decision, reason, ...extra });
  const page = async (user: FixtureUser = 'resident', householdId = fx.ids.h1) => json(await fx.request(user, 'GET', `/api/credit/households/${householdId}`));

  it('a record from the phone is reviewed (approved / rejected with reason / returned), each an event, and its state reaches the phones', async () => {
    const ids = [uuidv7(), uuidv7(), uuidv7()];
    const res = await sync('collector', ids.map((recordId) => ({
      id: uuidv7(), kind: 'credit.create', deviceSeq: ++seq, at: fx.deps.now().toISOString(),
      payload: { recordId, householdId: fx.ids.h1, personId: null, kind: 'loan_repaid', source: 'bank', occurredOn: '2025-06-01', documentNo: '', note: '按期还清' },
    })));
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const queue = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/records?state=submitted`));
    expect(queue.records.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(ids));

    expect((await json(await decide('committee', ids[0], 'approve'))).state).toBe('approved');
    expect((await json(await decide('committee', ids[1], 'reject', ''), 409)).error.code).toBe('reason_required');
    expect((await json(await decide('committee', ids[1], 'reject', '银行未确认'))).state).toBe('rejected');
    expect((await json(await decide('committee', ids[2], 'return', '请补充贷款合同号'))).state).toBe('returned');
    // Decided once: a second decision is refused by the transition table.
    expect((await json(await decide('committee2', ids[0], 'reject', '重复'), 409)).error.code).toBe('invalid_state');

    const history = await json(await fx.request('committee', 'GET', `/api/credit/records/${ids[2]}`));
    expect(history.events.map((e: { toState: string; reason: string }) => [e.toState, e.reason])).toEqual([['submitted', ''], ['returned', '请补充贷款合同号']]);

    const pulled = await sync('collector2', []);
    const table = pulled.changes.find((c) => c.scope === `village:${fx.ids.v1}`)?.tables.creditRecord;
    const rows = decodeRows('creditRecord', table!);
    expect(ids.map((id) => rows.find((r) => r.id === id)?.state)).toEqual(['approved', 'rejected', 'returned']);

    // The household sees the records and their events (guardrail 9).
    const mine = await page();
    expect(mine.records.find((r: { id: string }) => r.id === ids[2]).events.at(-1)).toMatchObject({ toState: 'returned', reason: '请补充贷款合同号' });
  });

  it('office entry by the committee; the recorder never approves their own record; a correction only by a reversing record, itself reviewed', async () => {
    const rec = (await json(await office('committee', { kind: 'honour', documentNo: '平政字〔2025〕8号' }), 201)).record;
    expect(rec).toMatchObject({ state: 'submitted', documentNo: '平政字〔2025〕8号' });
    expect((await json(await decide('committee', rec.id, 'approve'), 409)).error.code).toBe('own_record');
    await json(await decide('committee2', rec.id, 'approve'));

    const rev = (await json(await fx.request('committee', 'POST', `/api/credit/records/${rec.id}/reversals`, { reason: '表彰对象录错' }), 201)).record;
    expect(rev).toMatchObject({ reverses: rec.id, state: 'submitted' });
    expect((await json(await fx.request('committee', 'POST', `/api/credit/records/${rec.id}/reversals`, { reason: '再次' }), 409)).error.code).toBe('reversal_pending');
    // Until the reversal is approved the original still counts.
    expect((await page()).records.find((r: { id: string }) => r.id === rec.id).state).toBe('approved');
    await json(await decide('committee2', rev.id, 'approve', '核实无误'));
    const after = await page();
    expect(after.records.find((r: { id: string }) => r.id === rec.id).state).toBe('reversed');
    expect(after.grade.lines.some((l: { recordId: string }) => l.recordId === rec.id || l.recordId === rev.id)).toBe(false);
  });

  it('a negative record needs a legally effective document (number and issuing court/office); the household is notified and can object', async () => {
    expect((await json(await office('committee', { kind: 'admin_penalty', source: 'township', documentNo: '' }), 400)).error.code).toBe('document_required');
    expect((await json(await office('committee', { kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2025〕3号' }), 400)).error.code).toBe('issuer_required');
    const rec = (await json(await office('committee', { kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2025〕3号', issuer: '平度市综合行政执法局' }), 201)).record;
    await json(await decide('committee2', rec.id, 'approve'));
    const mine = await page();
    const shown = mine.records.find((r: { id: string }) => r.id === rec.id);
    expect(shown).toMatchObject({ negative: true, keptUntil: '2030-05-01', standing: { counts: true, until: '2030-05-01' }, issuer: '平度市综合行政执法局' });
    expect(shown.events.at(-1)).toMatchObject({ toState: 'approved' }); // the notice to the household
    expect(mine.grade.negatives).toBe(1);
    expect(mine.repairGuide.join('')).toContain('五年');

    const objection = (await json(await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h1}/requests`, { kind: 'record_objection', recordId: rec.id, grounds: '罚款已撤销，见复议决定' }), 201)).request;
    expect((await json(await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h1}/requests`, { kind: 'record_objection', recordId: rec.id, grounds: '再提' }), 409)).error.code).toBe('already_pending');
    // Another household's resident cannot object for h1 (404 by the household scope).
    expect((await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h2}/requests`, { kind: 'record_objection', recordId: rec.id, grounds: 'x' })).status).toBe(404);
    const list = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/requests`));
    expect(list.requests.map((r: { id: string }) => r.id)).toContain(objection.id);
    await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/requests/${objection.id}/decisions`, { decision: 'uphold', resolution: '复议已撤销处罚' }));
    const after = await page();
    expect(after.records.find((r: { id: string }) => r.id === rec.id)).toMatchObject({ state: 'rejected', stateReason: '异议成立：复议已撤销处罚' });
    expect(after.grade.negatives).toBe(0);
  });

  it('a negative record counts five years at most (shifted clock), can be repaired after fulfilment, and the job removes it past five years', async () => {
    const old = (await json(await office('committee', { kind: 'court_enforcement', source: 'court', occurredOn: '2020-07-01', documentNo: '(2020)鲁0283执123号', issuer: '平度市人民法院' }), 201)).record;
    await json(await decide('committee2', old.id, 'approve'));
    const repairable = (await json(await office('committee', { kind: 'admin_penalty', source: 'township', occurredOn: '2025-06-01', documentNo: '平综执罚决字〔2025〕9号', issuer: '平度市综合行政执法局' }), 201)).record;
    await json(await decide('committee2', repairable.id, 'approve'));
    const standing = async (id: string) => (await page()).records.find((r: { id: string }) => r.id === id)?.standing;
    expect(await standing(old.id)).toEqual({ counts: true, until: '2025-07-01' });

    // Repair before the minimum period: refused with the date it opens.
    const early = await json(await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h1}/requests`, { kind: 'repair', recordId: repairable.id, grounds: '罚款已缴清' }), 409);
    expect(early.error).toMatchObject({ code: 'too_early', message: '自 2026-06-01 起可以申请信用修复' });

    fx.clock.set(new Date('2025-06-30T17:00:00.000Z')); // 2025-07-01 01:00 in China: five years are up
    expect(await standing(old.id)).toEqual({ counts: false, why: 'expired' });
    expect((await page()).grade.lines.find((l: { recordId: string }) => l.recordId === old.id).text).toContain('已满五年，不再计入');

    fx.clock.set(new Date('2026-06-02T02:00:00.000Z'));
    const repair = (await json(await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h1}/requests`, { kind: 'repair', recordId: repairable.id, grounds: '罚款已缴清，附缴款凭证' }), 201)).request;
    await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/requests/${repair.id}/decisions`, { decision: 'uphold', resolution: '已核实缴款凭证' }));
    expect(await standing(repairable.id)).toEqual({ counts: false, why: 'repaired' });

    // The retention job: the five-year-old negative record goes (with a tombstone for phones and an audit row); the rest stay.
    const before = await fx.deps.db.selectFrom('credit_records').select('id').execute();
    expect(await purgeExpiredNegativeCredit(fx.deps, fx.deps.now())).toBe(1);
    const afterIds = (await fx.deps.db.selectFrom('credit_records').select('id').execute()).map((r) => r.id);
    expect(afterIds).toHaveLength(before.length - 1);
    expect(afterIds).not.toContain(old.id);
    expect(await fx.deps.db.selectFrom('credit_record_events').select('id').where('record_id', '=', old.id).execute()).toEqual([]);
    expect(await fx.deps.db.selectFrom('changes').select('op').where('entity_id', '=', old.id).executeTakeFirst()).toEqual({ op: 'delete' });
    expect(await fx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', old.id).execute()).toEqual([{ action: 'credit.negative_purged' }]);
    expect(await purgeExpiredNegativeCredit(fx.deps, fx.deps.now())).toBe(0);
    fx.clock.set(new Date('2025-06-15T02:00:00.000Z'));
  });

  it('an evaluation round: back to back, "I do not know" with a reason, a disagreement flagged and discussed, posted with an objection window, then fixed', async () => {
    const h4 = await fx.addHousehold(fx.ids.v1, '004', '赵六');
    const round = (await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/rounds`, { periodLabel: '2025年度' }), 201)).round;
    expect((await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/rounds`, { periodLabel: '再一轮' }), 409)).error.code).toBe('round_open');
    const rate = (user: FixtureUser, ratings: unknown[]) => fx.request(user, 'POST', `/api/credit/rounds/${round.id}/ratings`, { ratings });

    expect((await json(await rate('committee', [{ householdId: fx.ids.h1, grade: 'AAA', unknownReason: null }]), 400)).error.code).toBe('sheet_incomplete');
    expect((await json(await rate('committee', [{ householdId: fx.ids.h1, grade: null, unknownReason: null }, { householdId: h4, grade: 'A', unknownReason: null }]), 400)).error.code).toBe('invalid_rating');
    const first = await json(await rate('committee', [{ householdId: fx.ids.h1, grade: 'AAA', unknownReason: null }, { householdId: h4, grade: 'A', unknownReason: null }]));
    expect(first.submitted).toBe(true);
    expect((await json(await rate('committee', [{ householdId: fx.ids.h1, grade: 'AA', unknownReason: null }, { householdId: h4, grade: 'A', unknownReason: null }]), 409)).error.code).toBe('already_submitted');

    // Back to back: the second rater sees nothing of the first's before submitting.
    const blind = await json(await fx.request('committee2', 'GET', `/api/credit/rounds/${round.id}`));
    expect(blind.submitted).toBe(false);
    expect(blind.households.every((h: { tally: unknown; ratings: unknown }) => h.tally === null && h.ratings === null)).toBe(true);
    expect((await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/post`, {}), 409)).error.code).toBe('too_few_raters');

    await json(await rate('committee2', [{ householdId: fx.ids.h1, grade: 'AA', unknownReason: null }, { householdId: h4, grade: null, unknownReason: 'moved_in_recently' }]));
    const third = await json(await rate('admin', [{ householdId: fx.ids.h1, grade: 'AA', unknownReason: null }, { householdId: h4, grade: 'A', unknownReason: null }]));
    const h1 = third.households.find((h: { id: string }) => h.id === fx.ids.h1);
    expect(h1.tally).toMatchObject({ flagged: true, result: null, counts: { AAA: 1, AA: 2 } });
    expect(third.households.find((h: { id: string }) => h.id === h4).tally).toMatchObject({ flagged: false, result: 'A', unknown: 1 });

    const refused = await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/post`, {}), 409);
    expect(refused.error).toMatchObject({ code: 'disagreements_open' });
    expect(refused.error.message).toContain('001');
    expect((await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/resolutions`, { householdId: h4, grade: 'A', note: 'x' }), 409)).error.code).toBe('not_flagged');
    await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/resolutions`, { householdId: fx.ids.h1, grade: 'AA', note: '村委会讨论：按时还贷但无荣誉，定为AA' }));
    const posted = await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/post`, { days: 7 }));
    expect(posted.round).toMatchObject({ status: 'posted', objectionEndsAt: '2025-06-22T02:00:00.000Z' });

    // The household sees the posted result and may object within the window.
    const mine = await page();
    expect(mine.postedRounds).toEqual([{ roundId: round.id, periodLabel: '2025年度', objectionEndsAt: '2025-06-22T02:00:00.000Z', grade: 'AA' }]);
    expect(mine.evaluation).toBeNull(); // not fixed yet: it does not count
    const objection = (await json(await fx.request('resident', 'POST', `/api/credit/households/${fx.ids.h1}/requests`, { kind: 'round_objection', roundId: round.id, grounds: '我家获过表彰，应为AAA' }), 201)).request;
    expect((await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/fix`), 409)).error.code).toBe('window_open');
    fx.clock.advance(8 * DAY);
    expect((await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/fix`), 409)).error.code).toBe('objections_pending');
    await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/requests/${objection.id}/decisions`, { decision: 'dismiss', resolution: '表彰已计入信用记录，评定维持AA' }));
    expect((await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/fix`))).round.status).toBe('fixed');
    expect((await page()).evaluation).toMatchObject({ grade: 'AA', periodLabel: '2025年度' });

    // The township's sample check: a share re-checked, with the result.
    expect((await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/sample`, { share: 0.5 })).status).toBe(403);
    const sampled = await json(await fx.request('township', 'POST', `/api/credit/rounds/${round.id}/sample`, { share: 0.5 }));
    expect(sampled.samples).toHaveLength(1);
    const target = sampled.samples[0].householdId;
    const expected = sampled.households.find((h: { id: string }) => h.id === target).result.grade;
    const checked = await json(await fx.request('township', 'POST', `/api/credit/rounds/${round.id}/sample-checks`, { householdId: target, grade: expected, note: '入户核实一致' }));
    expect(checked.samples[0]).toMatchObject({ householdId: target, grade: expected, agrees: true, checkedBy: fx.ids.users.township });
    expect((await json(await fx.request('township', 'GET', '/api/credit/township/rounds'))).rounds.find((r: { id: string }) => r.id === round.id)).toMatchObject({ status: 'fixed', sampleShare: 0.5 });
    fx.clock.set(new Date('2025-06-15T02:00:00.000Z'));
  });

  it('grade rules versioned by the township; the grade is explained record by record, with what it takes to reach the next; perks follow the grade', async () => {
    const before = await page();
    // Earlier tests left: positive records, the fixed round result AA, and one negative record still counting.
    expect(before.grade).toMatchObject({ grade: 'A', negatives: 1, evaluation: 'AA' });
    expect(before.grade.because).toMatch(/^A，因为：正面记录得分 \d+ 分；评定结果 AA；计入的负面记录 1 条$/);
    expect(before.grade.next.grade).toBe('AA');
    expect(before.grade.next.text).toMatch(/^要达到 AA：.*不能有计入的负面记录/);
    expect(before.grade.lines.filter((l: { recordId: string | null }) => l.recordId).length).toBeGreaterThan(0);
    expect(before.grade.lines.at(-1).text).toBe('信用户评定（2025年度）：AA');
    expect(before.perks.filter((p: { qualifies: boolean }) => p.qualifies).map((p: { minGrade: string }) => p.minGrade)).toEqual(['A']);

    const rules = await json(await fx.request('township', 'GET', '/api/credit/township/grade-rules'));
    expect(rules.versions.at(-1)).toMatchObject({ version: 0 });
    const stricter = { ...rules.versions[0].rules, levels: rules.versions[0].rules.levels.map((l: { grade: string }) => (l.grade === 'AA' ? { ...l, minScore: 50 } : l)) };
    expect((await json(await fx.request('township', 'POST', '/api/credit/township/grade-rules', { effectiveFrom: '2025-01-01', rules: stricter }), 400)).error.code).toBe('retroactive');
    expect((await fx.request('committee', 'POST', '/api/credit/township/grade-rules', { effectiveFrom: '2025-06-15', rules: stricter })).status).toBe(403);
    expect((await json(await fx.request('township', 'POST', '/api/credit/township/grade-rules', { effectiveFrom: '2025-06-15', rules: stricter, note: '从严' }), 201)).version).toBe(1);
    const after = await page();
    expect(after.rulesVersion.version).toBe(1);
    expect(after.grade.grade).toBe('A');
    expect(after.grade.next.needs[0]).toMatch(/^正面记录得分还差 \d+ 分（需 50 分）$/);
    // The negative record still counting is explained with the day it stops.
    expect(after.grade.lines.map((l: { text: string }) => l.text).join('\n')).toMatch(/负面记录，计入至 2030-06-01/);

    // A perk added by the township reaches the households whose grade qualifies.
    await json(await fx.request('township', 'POST', '/api/credit/township/perks', { minGrade: 'A', name: '农资购买九折', provider: '供销社', conditions: '凭信用户证' }));
    expect((await page()).perks.find((p: { name: string }) => p.name === '农资购买九折')).toMatchObject({ qualifies: true, provider: '供销社' });
    // A kind added by the township is offered for office entry.
    await json(await fx.request('township', 'POST', '/api/credit/township/kinds', { code: 'tax_paid', nameZh: '按时纳税', nameEn: 'Taxes paid on time', negative: false, documentRequired: false, sources: ['township'] }));
    const kinds = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/kinds`));
    expect(kinds.kinds.map((k: { code: string }) => k.code)).toEqual(expect.arrayContaining(['loan_repaid', 'admin_penalty', 'tax_paid']));
  });

  it('no grade leaves the village without the household\'s bank_sharing consent; both the refusal and the share are audited', async () => {
    const refused = await json(await fx.request('township', 'POST', `/api/credit/households/${fx.ids.h1}/bank-share`, { recipient: '平度农商银行' }), 409);
    expect(refused.error.code).toBe('consent_required');
    await recordConsent(fx.deps.db, { householdId: fx.ids.h1, villageId: fx.ids.v1, purpose: 'bank_sharing', granted: true, recordedBy: fx.ids.users.committee, at: fx.deps.now().toISOString() });
    // A grade is made of credit records: sharing it needs the credit_records purpose too (CONSENT_PLACES.bank_share).
    await recordConsent(fx.deps.db, { householdId: fx.ids.h1, villageId: fx.ids.v1, purpose: 'credit_records', granted: true, recordedBy: fx.ids.users.committee, at: fx.deps.now().toISOString() });
    const shared = await json(await fx.request('township', 'POST', `/api/credit/households/${fx.ids.h1}/bank-share`, { recipient: '平度农商银行' }));
    expect(shared.share).toMatchObject({ householdNo: '001', recipient: '平度农商银行' });
    expect(JSON.stringify(shared)).not.toMatch(/张三|1380013|110105/);
    const audit = await fx.deps.db.selectFrom('audit_log').select(['action', 'row_count']).where('subject_id', '=', fx.ids.h1).orderBy('at').orderBy('id').execute();
    expect(audit).toEqual([{ action: 'credit.bank_share_refused', row_count: 0 }, { action: 'credit.bank_share', row_count: 1 }]);
    expect((await fx.request('committee', 'POST', `/api/credit/households/${fx.ids.h1}/bank-share`, { recipient: '平度农商银行' })).status).toBe(403);
  });
});
