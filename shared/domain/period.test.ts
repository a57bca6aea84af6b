import { describe, expect, it } from 'vitest';
import type { CapPeriod } from './period';
import { isCapPeriod, periodBounds, periodKey } from './period';

describe('periodKey', () => {
  it.each<[CapPeriod | null, string, string | null]>([
    ['month', '2025-03-31', '2025-03'],
    ['month', '2025-12-01', '2025-12'],
    ['quarter', '2025-01-01', '2025-Q1'],
    ['quarter', '2025-03-31', '2025-Q1'],
    ['quarter', '2025-04-01', '2025-Q2'],
    ['quarter', '2025-09-30', '2025-Q3'],
    ['quarter', '2025-12-31', '2025-Q4'],
    ['half_year', '2025-06-30', '2025-H1'],
    ['half_year', '2025-07-01', '2025-H2'],
    ['year', '2025-07-01', '2025'],
    [null, '2025-07-01', null],
  ])('%s of %s → %s', (period, date, key) => {
    expect(periodKey(period, date)).toBe(key);
  });

  it.each(['2025-13-01', '2025-00-10', '2025/03/01', '2025-03-01T00:00:00Z', ''])('throws on %j', (bad) => {
    expect(() => periodKey('month', bad)).toThrow(RangeError);
  });
});

describe('periodBounds', () => {
  it.each<[CapPeriod, string, string, string]>([
    ['month', '2024-02-10', '2024-02-01', '2024-02-29'],
    ['month', '2025-02-10', '2025-02-01', '2025-02-28'],
    ['month', '2025-04-30', '2025-04-01', '2025-04-30'],
    ['quarter', '2025-05-15', '2025-04-01', '2025-06-30'],
    ['quarter', '2025-12-31', '2025-10-01', '2025-12-31'],
    ['half_year', '2025-06-30', '2025-01-01', '2025-06-30'],
    ['half_year', '2025-07-01', '2025-07-01', '2025-12-31'],
    ['year', '2025-07-01', '2025-01-01', '2025-12-31'],
  ])('%s of %s → %s..%s', (period, date, from, to) => {
    expect(periodBounds(period, date)).toEqual({ from, to });
  });
});

describe('isCapPeriod', () => {
  it.each<[unknown, boolean]>([
    ['month', true], ['quarter', true], ['half_year', true], ['year', true],
    ['week', false], [null, false], [1, false], ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isCapPeriod(value)).toBe(expected);
  });
});
