import { describe, expect, it } from 'vitest';
import { PULLED_COLUMNS } from '../protocol/tables';
import { DEFAULT_INDICATORS, INDICATOR_CATEGORIES, toIndicatorDto } from './catalog-default';
import { CAP_PERIODS } from './period';

const byCode = new Map(DEFAULT_INDICATORS.map((i) => [i.code, i]));

describe('DEFAULT_INDICATORS: the rows domain.md names', () => {
  it.each([
    // code, category, points min..max, cap, evidence
    ['A01', '爱党爱国爱村', 2, 2, 4, 'month', false],
    ['A04', '爱党爱国爱村', 30, 30, null, null, true],
    ['A05', '爱党爱国爱村', 5, 10, null, null, false],
    ['B01', '社会公德', 3, 3, 12, 'month', false],
    ['B02', '社会公德', 5, 10, null, null, false],
    ['B03', '社会公德', 50, 50, null, null, true],
    ['B06', '社会公德', -5, -5, null, null, true],
    ['B08', '社会公德', -10, -10, null, null, true],
    ['C01', '监督管理', 10, 10, 1, 'quarter', true],
    ['C05', '监督管理', -30, -30, null, null, true],
    ['C06', '监督管理', -20, -20, null, null, true],
    ['C08', '监督管理', -3, -3, null, null, true],
    ['D01', '文明和谐', 10, 10, 1, 'half_year', false],
    ['D03', '文明和谐', 5, 10, null, null, false],
    ['D04', '文明和谐', 20, 20, 1, 'year', true],
    ['D05', '文明和谐', 5, 5, null, null, true],
    ['D08', '文明和谐', -30, -30, null, null, true],
  ])('%s', (code, category, pointsMin, pointsMax, capCount, capPeriod, evidenceRequired) => {
    expect(byCode.get(code)).toMatchObject({ category, pointsMin, pointsMax, capCount, capPeriod, evidenceRequired });
  });

  it.each([
    ['爱党爱国爱村', 7], ['社会公德', 8], ['监督管理', 8], ['文明和谐', 8],
  ])('%s has %i indicators', (category, n) => {
    expect(DEFAULT_INDICATORS.filter((i) => i.category === category)).toHaveLength(n);
  });

  it('only the child-honour item is opt-in', () => {
    expect(DEFAULT_INDICATORS.filter((i) => i.optIn).map((i) => i.code)).toEqual(['D05']);
  });
});

describe('DEFAULT_INDICATORS: invariants of every row', () => {
  const categories = INDICATOR_CATEGORIES.map((c) => c.zh) as string[];
  it.each(DEFAULT_INDICATORS.map((i) => [i.code, i] as const))('%s', (_code, ind) => {
    expect(ind.code).toMatch(/^[A-D]\d{2}$/);
    expect(ind.code[0]).toBe(INDICATOR_CATEGORIES.find((c) => c.zh === ind.category)?.key);
    expect(categories).toContain(ind.category);
    expect(ind.pointsMin).toBeLessThanOrEqual(ind.pointsMax);
    expect(Number.isInteger(ind.pointsMin) && Number.isInteger(ind.pointsMax)).toBe(true);
    // Sign and points agree, and nothing is worth zero.
    expect(Math.sign(ind.pointsMin)).toBe(ind.sign);
    expect(Math.sign(ind.pointsMax)).toBe(ind.sign);
    // Guardrail 2: every deduction requires evidence and names its basis.
    if (ind.sign === -1) {
      expect(ind.evidenceRequired).toBe(true);
      expect(ind.conditionZh).toBeTruthy();
    }
    // A cap has both a count and a period, or neither.
    expect(ind.capCount === null).toBe(ind.capPeriod === null);
    if (ind.capPeriod !== null) expect(CAP_PERIODS).toContain(ind.capPeriod);
    expect(['household', 'person']).toContain(ind.subject);
    expect(ind.recorderRoles).toEqual(['collector', 'committee']);
    expect(ind.nameZh.length).toBeGreaterThan(0);
    expect(ind.nameEn).toMatch(/^[\x20-\x7e]+$/);
  });

  it('codes are unique and sort values strictly increase', () => {
    expect(new Set(DEFAULT_INDICATORS.map((i) => i.code)).size).toBe(DEFAULT_INDICATORS.length);
    const sorts = DEFAULT_INDICATORS.map((i) => i.sort);
    expect(sorts).toEqual([...sorts].sort((a, b) => a - b));
    expect(new Set(sorts).size).toBe(sorts.length);
  });

  it('rows do not share mutable arrays', () => {
    expect(DEFAULT_INDICATORS[0].recorderRoles).not.toBe(DEFAULT_INDICATORS[1].recorderRoles);
  });
});

describe('toIndicatorDto', () => {
  it.each(DEFAULT_INDICATORS.slice(0, 3).map((i) => [i.code, i] as const))('%s maps onto the pulled columns', (_c, ind) => {
    const dto = toIndicatorDto(ind, { id: 'id-1', catalogVersionId: 'cv-1' });
    expect(Object.keys(dto).sort()).toEqual([...PULLED_COLUMNS.indicator].sort());
    expect(dto).toMatchObject({
      id: 'id-1', catalogVersionId: 'cv-1', code: ind.code, sign: ind.sign,
      pointsMin: ind.pointsMin, pointsMax: ind.pointsMax, sort: ind.sort,
    });
    expect(dto.recorderRoles).not.toBe(ind.recorderRoles);
  });
});
