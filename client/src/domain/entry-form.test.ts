import { describe, expect, it } from 'vitest';
import { groupIndicators, localDate, pointsChoice, formatPoints } from './entry-form';
import { ageUnit, formatPercent } from './format';
import type { IndicatorDto } from '../../../shared/protocol/tables';

const ind = (over: Partial<IndicatorDto>): IndicatorDto => ({
  id: over.code ?? 'x', catalogVersionId: 'v', code: 'X', category: '社会公德', nameZh: '', nameEn: '',
  sign: 1, pointsMin: 5, pointsMax: 5, capCount: null, capPeriod: null, evidenceRequired: false,
  subject: 'household', recorderRoles: ['collector'], sort: 0, ...over,
});

describe('groupIndicators', () => {
  it('keeps the four categories in order and sorts inside each', () => {
    const groups = groupIndicators([
      ind({ code: 'D01', category: '文明和谐', sort: 1 }),
      ind({ code: 'B02', category: '社会公德', sort: 2 }),
      ind({ code: 'B01', category: '社会公德', sort: 1 }),
      ind({ code: 'A01', category: '爱党爱国爱村', sort: 1 }),
      ind({ code: 'Z01', category: '其他', sort: 1 }),
    ]);
    expect(groups.map((g) => g.category)).toEqual(['爱党爱国爱村', '社会公德', '文明和谐', '其他']);
    expect(groups[1].indicators.map((i) => i.code)).toEqual(['B01', 'B02']);
    expect(groups[1].nameEn).toBe('Public morality');
  });
});

describe('pointsChoice', () => {
  it('handles fixed awards, ranges and signed deductions', () => {
    expect(pointsChoice({ sign: 1, pointsMin: 5, pointsMax: 5 })).toEqual({ fixed: true, sign: 1, minMagnitude: 5, maxMagnitude: 5 });
    expect(pointsChoice({ sign: 1, pointsMin: 5, pointsMax: 10 })).toMatchObject({ fixed: false, minMagnitude: 5, maxMagnitude: 10 });
    expect(pointsChoice({ sign: -1, pointsMin: -10, pointsMax: -5 })).toEqual({ fixed: false, sign: -1, minMagnitude: 5, maxMagnitude: 10 });
    expect(pointsChoice({ sign: -1, pointsMin: 5, pointsMax: 10 })).toMatchObject({ sign: -1, minMagnitude: 5, maxMagnitude: 10 });
  });
});

describe('formatting', () => {
  it('formats local dates, points, ages and rates', () => {
    expect(localDate(new Date(2025, 0, 5, 23, 59))).toBe('2025-01-05');
    expect(formatPoints(5)).toBe('+5');
    expect(formatPoints(-10)).toBe('-10');
    expect(ageUnit(30_000)).toEqual({ key: 'justNow' });
    expect(ageUnit(5 * 60_000)).toEqual({ key: 'minutes', n: 5 });
    expect(ageUnit(3 * 3_600_000)).toEqual({ key: 'hours', n: 3 });
    expect(ageUnit(72 * 3_600_000)).toEqual({ key: 'days', n: 3 });
    expect(formatPercent(0.4567)).toBe('45.7%');
  });
});
