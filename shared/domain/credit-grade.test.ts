import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addMonths, computeGrade, DEFAULT_GRADE_RULES, EXPLAIN_MESSAGES, renderBecause, renderExplain, renderNext, negativeKeptUntil, perksFor, recordStanding, checkGradeRules,
  type GradeRecord, type Perk,
} from './credit-grade';
import { creditTransition, CREDIT_TRANSITIONS } from './credit-transitions';
import { drawSample, tallyHousehold, checkRating } from './credit-evaluation';

const rec = (over: Partial<GradeRecord> = {}): GradeRecord => ({
  id: over.id ?? 'r1', kind: 'loan_repaid', kindNameZh: '贷款按时还款', negative: false, occurredOn: '2025-03-01', documentNo: '',
  state: 'approved', reverses: null, repairedOn: null, ...over,
});

describe('dates', () => {
  it.each([
    ['2025-03-01', 60, '2030-03-01'], ['2024-02-29', 60, '2029-03-01'], ['2025-01-31', 1, '2025-03-01'], ['2025-06-15', -60, '2020-06-15'], ['2025-12-31', 12, '2026-12-31'],
  ])('addMonths(%s, %i) = %s', (d, m, want) => expect(addMonths(d, m)).toBe(want));
  it('a negative record is kept five years', () => expect(negativeKeptUntil('2021-07-01')).toBe('2026-07-01'));
});

describe('recordStanding: the five-year cut-off (shifted clock) and repair', () => {
  const neg = rec({ kind: 'admin_penalty', negative: true, occurredOn: '2021-07-01', documentNo: '罚字1号' });
  it.each([
    [neg, '2026-06-30', { counts: true, until: '2026-07-01' }],
    [neg, '2026-07-01', { counts: false, why: 'expired' }],
    [{ ...neg, repairedOn: '2023-01-01' }, '2023-01-01', { counts: false, why: 'repaired' }],
    [{ ...neg, repairedOn: '2023-01-01' }, '2022-12-31', { counts: true, until: '2026-07-01' }],
    [rec({ occurredOn: '2022-03-01' }), '2025-02-28', { counts: true, until: '2025-03-01' }],
    [rec({ occurredOn: '2022-03-01' }), '2025-03-01', { counts: false, why: 'too_old' }],
    [rec({ state: 'submitted' }), '2025-06-01', { counts: false, why: 'not_approved' }],
    [rec({ reverses: 'x' }), '2025-06-01', { counts: false, why: 'reversal' }],
  ] as const)('%#', (r, today, want) => expect(recordStanding(r, DEFAULT_GRADE_RULES, today)).toEqual(want));
});

describe('computeGrade', () => {
  const today = '2025-06-15';
  it.each([
    ['no records, no evaluation', [], null, 'none'],
    ['evaluation A, nothing else', [], 'A', 'A'],
    ['score 4 and AA', [rec({ id: 'a' }), rec({ id: 'b', kind: 'volunteer_star' })], 'AA', 'AA'],
    ['score 7 and AAA', [rec({ id: 'a' }), rec({ id: 'b', kind: 'honour' }), rec({ id: 'c', kind: 'volunteer_star' })], 'AAA', 'AAA'],
    ['score 7 and AAA but a counting negative', [rec({ id: 'a' }), rec({ id: 'b', kind: 'honour' }), rec({ id: 'c', kind: 'volunteer_star' }), rec({ id: 'n', negative: true, kind: 'admin_penalty', occurredOn: '2024-01-01' })], 'AAA', 'A'],
    ['score 7, AAA, negative past five years', [rec({ id: 'a' }), rec({ id: 'b', kind: 'honour' }), rec({ id: 'c', kind: 'volunteer_star' }), rec({ id: 'n', negative: true, kind: 'admin_penalty', occurredOn: '2020-01-01' })], 'AAA', 'AAA'],
  ] as const)('%s', (_, records, evaluation, grade) => {
    const g = computeGrade({ records, evaluation: evaluation ? { grade: evaluation, periodLabel: '2025年度' } : null, rules: DEFAULT_GRADE_RULES, today });
    expect(g.grade).toBe(grade);
  });

  it('explains record by record and says what the next grade takes', () => {
    const g = computeGrade({ records: [rec({ id: 'a' }), rec({ id: 'b', kind: 'volunteer_star', occurredOn: '2025-04-02' })], evaluation: { grade: 'AA', periodLabel: '2025年度' }, rules: DEFAULT_GRADE_RULES, today });
    expect(g.lines.map((l) => l.text)).toEqual([
      '2025-03-01 贷款按时还款：+2 分（计至 2028-03-01）', '2025-04-02 贷款按时还款：+2 分（计至 2028-04-02）', '信用户评定（2025年度）：AA',
    ]);
    expect(g.because).toBe('AA，因为：正面记录得分 4 分；评定结果 AA；无计入的负面记录');
    expect(g.next).toMatchObject({ grade: 'AAA', needs: ['正面记录得分还差 2 分（需 6 分）', '信用户评定结果需为 AAA 或以上'], text: '要达到 AAA：正面记录得分还差 2 分（需 6 分）；信用户评定结果需为 AAA 或以上' });
  });

  it('the same explanation in English, from the codes and parameters (zh-CN stays the default text)', () => {
    const g = computeGrade({
      records: [rec({ id: 'a', kindNameEn: 'Loan repaid on time', documentNo: '农商贷〔2025〕1号' }), rec({ id: 'n', negative: true, kind: 'admin_penalty', kindNameZh: '行政处罚', kindNameEn: 'Administrative penalty', occurredOn: '2024-01-01', documentNo: 'X12' })],
      evaluation: { grade: 'none', periodLabel: '2025年度' }, rules: DEFAULT_GRADE_RULES, today,
    });
    expect(g.lines.map((l) => renderExplain(l.msg, 'en'))).toEqual([
      '2024-01-01 Administrative penalty (X12): negative record, counts until 2029-01-01',
      '2025-03-01 Loan repaid on time (农商贷〔2025〕1号): +2 points (until 2028-03-01)',
      'Credit household evaluation (2025年度): Not rated',
    ]);
    expect(g.lines.map((l) => l.text)).toEqual(g.lines.map((l) => renderExplain(l.msg, 'zh')));
    expect(g.lines[0].text).toBe('2024-01-01 行政处罚（X12）：负面记录，计入至 2029-01-01');
    expect(renderBecause(g, 'en')).toBe('Not rated because: positive records score 2 points; evaluation result Not rated; 1 negative record(s) count');
    expect(g.because).toBe('未评级，因为：正面记录得分 2 分；评定结果 未评级；计入的负面记录 1 条');
    expect(renderNext(g.next!, 'en')).toBe('To reach A: an evaluation result of A or better');
    // Every code has both languages.
    expect(Object.keys(EXPLAIN_MESSAGES.en).sort()).toEqual(Object.keys(EXPLAIN_MESSAGES.zh).sort());
  });

  it('property: the grade depends on the records as a set (order never matters) and on nothing but records, evaluation, rules and day', () => {
    const record = fc.record({
      id: fc.uuid(), kind: fc.constantFrom('loan_repaid', 'honour', 'volunteer_star', 'admin_penalty', 'court_enforcement'),
      occurredOn: fc.date({ min: new Date('2018-01-01'), max: new Date('2025-06-15'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      state: fc.constantFrom('approved', 'approved', 'submitted', 'rejected', 'reversed'),
    }).map((r) => rec({ ...r, negative: r.kind === 'admin_penalty' || r.kind === 'court_enforcement', documentNo: '文号' }));
    fc.assert(fc.property(fc.array(record, { maxLength: 12 }), fc.constantFrom(null, 'AAA', 'AA', 'A', 'none'), (records, ev) => {
      const evaluation = ev ? { grade: ev, periodLabel: 'P' } : null;
      const a = computeGrade({ records, evaluation, rules: DEFAULT_GRADE_RULES, today });
      const b = computeGrade({ records: [...records].reverse(), evaluation, rules: DEFAULT_GRADE_RULES, today });
      expect(b).toEqual(a);
      expect(JSON.stringify(a)).not.toContain('失信');
    }), { numRuns: 200 });
  });
});

describe('perks, rules, rounds, transitions', () => {
  const perks: Perk[] = [
    { id: '1', minGrade: 'AAA', name: '贷款', provider: '银行', conditions: '', active: true },
    { id: '2', minGrade: 'AA', name: '门票', provider: '景区', conditions: '', active: true },
    { id: '3', minGrade: 'A', name: '体检', provider: '卫生院', conditions: '', active: false },
  ];
  it.each([['AAA', ['1', '2']], ['AA', ['2']], ['A', []], ['none', []]] as const)('perksFor(%s)', (g, ids) => expect(perksFor(g, perks).map((p) => p.id)).toEqual(ids));
  it('refuses rules out of order', () => {
    expect(checkGradeRules(DEFAULT_GRADE_RULES)).toEqual({ ok: true });
    expect(checkGradeRules({ ...DEFAULT_GRADE_RULES, levels: [...DEFAULT_GRADE_RULES.levels].reverse() }).ok).toBe(false);
  });
  it.each([
    [[{ g: 'AA' }, { g: 'AA' }, { g: null }], 'AA', false],
    [[{ g: 'AAA' }, { g: 'AA' }], null, true],
    [[{ g: null }, { g: null }], 'none', false],
  ] as const)('tallyHousehold %#', (rs, result, flagged) => {
    const t = tallyHousehold(rs.map((r, i) => ({ raterId: String(i), grade: r.g, unknownReason: r.g ? null : 'not_acquainted' })));
    expect([t.result, t.flagged]).toEqual([result, flagged]);
  });
  it('checks a rating', () => {
    expect(checkRating({ grade: null, unknownReason: 'relative_recusal' })).toEqual({ ok: true });
    expect(checkRating({ grade: null, unknownReason: null }).ok).toBe(false);
    expect(checkRating({ grade: 'AA', unknownReason: 'away_long' }).ok).toBe(false);
  });
  it('draws a reproducible sample of at least one household', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `h${i}`);
    expect(drawSample(ids, 0.1, 'r')).toHaveLength(2);
    expect(drawSample(ids, 0.1, 'r')).toEqual(drawSample([...ids].reverse(), 0.1, 'r'));
    expect(drawSample(['a'], 0.01, 'r')).toEqual(['a']);
  });
  it.each(CREDIT_TRANSITIONS.map((t) => [t.from, t.event, t.actor, t.to] as const))('%s --%s (%s)--> %s', (from, event, actor, to) => {
    expect(creditTransition(from, event, actor, { reason: '理由' })).toEqual({ ok: true, to });
  });
  it('refuses what the table does not have, a missing reason, and approving one\'s own record', () => {
    expect(creditTransition('approved', 'approve', 'committee')).toMatchObject({ ok: false, code: 'invalid_state' });
    expect(creditTransition('submitted', 'reject', 'committee', { reason: ' ' })).toMatchObject({ ok: false, code: 'reason_required' });
    expect(creditTransition('submitted', 'approve', 'committee', { actorIsRecorder: true })).toMatchObject({ ok: false, code: 'own_record' });
    expect(creditTransition('approved', 'reverse', 'committee')).toMatchObject({ ok: false, code: 'invalid_state' });
  });
});
