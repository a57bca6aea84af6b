import { describe, expect, it } from 'vitest';
import { checkCreditRecord, CREDIT_KIND_RULES, CREDIT_KINDS } from './credit';

describe('checkCreditRecord', () => {
  it.each([
    ['loan_repaid', 'bank', '', ''],
    ['honour', 'township', ' 平政字〔2026〕8号 ', '平政字〔2026〕8号'],
    ['admin_penalty', 'township', '平综执罚决字〔2026〕12\u200B号', '平综执罚决字〔2026〕12号'],
    ['court_judgment_fulfilled', 'court', '（2026）鲁0283民初123号', '（2026）鲁0283民初123号'],
  ])('%s from %s with %j is accepted', (kind, source, documentNo, normalised) => {
    expect(checkCreditRecord({ kind, source, documentNo })).toEqual({ ok: true, documentNo: normalised });
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
    const r = checkCreditRecord({ kind, source, documentNo });
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
