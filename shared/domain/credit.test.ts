import { describe, expect, it } from 'vitest';
import { checkAgainstKind, CREDIT_KIND_RULES, CREDIT_KINDS, DEFAULT_CREDIT_KINDS, kindsOffered } from './credit';

// The built-in kinds checked the way the server and the phone check any township's kind.
const defaultKind = (code: string) => DEFAULT_CREDIT_KINDS.find((k) => k.code === code);

describe('checkAgainstKind on the built-in kinds', () => {
  it.each([
    ['loan_repaid', 'bank', '', '', ''],
    ['honour', 'township', ' 平政字〔2026〕8号 ', '', '平政字〔2026〕8号'],
    ['admin_penalty', 'township', '平综执罚决字〔2026〕12\u200B号', '平度市综合行政执法局', '平综执罚决字〔2026〕12号'],
    ['court_judgment_fulfilled', 'court', '（2026）鲁0283民初123号', '', '（2026）鲁0283民初123号'],
  ])('%s from %s with %j is accepted', (kind, source, documentNo, issuer, normalised) => {
    expect(checkAgainstKind(defaultKind(kind), { source, documentNo, issuer })).toEqual({ ok: true, documentNo: normalised, issuer });
  });

  it.each([
    ['gambling', 'village', '', 'credit_kind'],
    ['loan_repaid', 'court', '', 'credit_source'],
    ['loan_repaid', 'police', '', 'credit_source'],
    ['admin_penalty', 'township', '   ', 'document_required'], // a negative record needs a legally effective document
    ['court_judgment_fulfilled', 'court', '', 'document_required'],
    ['honour', 'village', '平\u202E字', 'document_invalid'],
    ['honour', 'village', '字'.repeat(81), 'document_invalid'],
  ])('%s from %s with %j is refused: %s', (kind, source, documentNo, code) => {
    const r = checkAgainstKind(defaultKind(kind), { source, documentNo, issuer: '平度市综合行政执法局' });
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('every negative kind requires a document and every kind has a default source', () => {
    for (const k of CREDIT_KINDS) {
      const rule = CREDIT_KIND_RULES[k];
      if (rule.negative) expect(rule.documentRequired).toBe(true);
      expect(rule.sources.length).toBeGreaterThan(0);
    }
  });
});

describe('kindsOffered (what a phone offers for its township)', () => {
  const own = (code: string, over: Partial<Parameters<typeof kindsOffered>[0][number]> = {}) => ({
    code, nameZh: code, nameEn: code, negative: false, documentRequired: false, sources: ['village'], active: true, sort: 10, ...over,
  });
  it('is the defaults while the township has no list of its own', () => {
    expect(kindsOffered([])).toBe(DEFAULT_CREDIT_KINDS);
    expect(DEFAULT_CREDIT_KINDS.map((k) => k.code)).toEqual([...CREDIT_KINDS, 'court_enforcement', 'loan_default']);
  });
  it('is the township\'s active kinds in its order, unknown sources dropped', () => {
    const got = kindsOffered([own('b', { sort: 20 }), own('a', { sort: 20 }), own('c', { sort: 5, sources: ['village', 'police'] }), own('off', { active: false })]);
    expect(got.map((k) => k.code)).toEqual(['c', 'a', 'b']);
    expect(got[0].sources).toEqual(['village']);
  });
});

describe('checkAgainstKind (phone and server, the township\'s own kind)', () => {
  const negative = { negative: true, documentRequired: true, sources: ['township'] };
  it.each([
    [{ source: 'township', documentNo: '平综执罚决字〔2026〕12号', issuer: '平度市综合行政执法局' }, null],
    [{ source: 'township', documentNo: '平综执罚决字〔2026〕12号', issuer: ' ' }, 'issuer_required'],
    [{ source: 'township', documentNo: '', issuer: '平度市综合行政执法局' }, 'document_required'],
    [{ source: 'bank', documentNo: 'x', issuer: 'y' }, 'credit_source'],
  ])('%j → %s', (input, code) => {
    const r = checkAgainstKind(negative, input);
    if (code === null) expect(r).toEqual({ ok: true, documentNo: input.documentNo, issuer: input.issuer });
    else expect(r).toMatchObject({ ok: false, code });
  });
  it('refuses an unknown or inactive kind', () => {
    expect(checkAgainstKind(undefined, { source: 'village', documentNo: '', issuer: '' })).toMatchObject({ ok: false, code: 'credit_kind' });
    expect(checkAgainstKind({ ...negative, active: false }, { source: 'township', documentNo: 'x', issuer: 'y' })).toMatchObject({ ok: false, code: 'credit_kind' });
  });
});
