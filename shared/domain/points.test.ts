import { describe, expect, it } from 'vitest';
import type { EntryState, LocalEntryState } from './entry-state';
import type { StandingEntry, StandingSummary } from './points';
import { checkCap, computeStanding, countTowardsCap, periodKey, validateEntryPoints } from './points';

const H1 = 'h1';
const e = (points: number, state: LocalEntryState, occurredOn = '2025-05-01', householdId = H1): StandingEntry =>
  ({ points, state, occurredOn, householdId });

type Sums = Omit<StandingSummary, 'year' | 'base'>;

describe('computeStanding', () => {
  it.each<[string, StandingEntry[], Sums]>([
    ['no entries', [], { effective: 0, pending: 0, standing: 100, projected: 100, maxDeduction: 0 }],
    ['effective positives', [e(5, 'effective'), e(10, 'effective')],
      { effective: 15, pending: 0, standing: 115, projected: 115, maxDeduction: 0 }],
    ['effective deductions', [e(5, 'effective'), e(-10, 'effective'), e(-3, 'effective')],
      { effective: -8, pending: 0, standing: 92, projected: 92, maxDeduction: 10 }],
    ['each pending state', [e(2, 'approved'), e(3, 'publicized'), e(4, 'objected')],
      { effective: 0, pending: 9, standing: 100, projected: 109, maxDeduction: 0 }],
    ['states that neither count nor pend', [
      e(5, 'queued'), e(5, 'submitted'), e(5, 'rejected'), e(5, 'returned'), e(5, 'amended'), e(5, 'reversed'), e(5, 'withdrawn'),
    ], { effective: 0, pending: 0, standing: 100, projected: 100, maxDeduction: 0 }],
    ['mixed', [e(20, 'effective'), e(10, 'publicized'), e(-5, 'approved'), e(3, 'submitted')],
      { effective: 20, pending: 5, standing: 120, projected: 125, maxDeduction: 0 }],
    ['only the given year', [
      e(50, 'effective', '2024-12-31'), e(50, 'effective', '2026-01-01'), e(7, 'effective', '2025-12-31'),
      e(7, 'effective', '2025-01-01'), e(1, 'approved', '2024-06-01'), e(-30, 'effective', '2024-06-01'),
    ], { effective: 14, pending: 0, standing: 114, projected: 114, maxDeduction: 0 }],
    ['a pending deduction is not yet a deduction for stars', [e(-20, 'publicized')],
      { effective: 0, pending: -20, standing: 100, projected: 80, maxDeduction: 0 }],
    ['all households when no householdId filter', [e(5, 'effective', '2025-01-01', 'h2'), e(5, 'effective')],
      { effective: 10, pending: 0, standing: 110, projected: 110, maxDeduction: 0 }],
  ])('%s', (_name, entries, sums) => {
    expect(computeStanding({ year: 2025, basePoints: 100, entries })).toEqual({ year: 2025, base: 100, ...sums });
  });

  it.each<[string, number, string | undefined, readonly EntryState[] | undefined, Sums]>([
    ['filter by household', 100, H1, undefined, { effective: 5, pending: 2, standing: 105, projected: 107, maxDeduction: 0 }],
    ['other household', 100, 'h2', undefined, { effective: 40, pending: 0, standing: 140, projected: 140, maxDeduction: 0 }],
    ['other base', 60, H1, undefined, { effective: 5, pending: 2, standing: 65, projected: 67, maxDeduction: 0 }],
    ['custom pending states', 100, H1, ['approved', 'publicized', 'objected', 'submitted'],
      { effective: 5, pending: 10, standing: 105, projected: 115, maxDeduction: 0 }],
  ])('%s', (_name, basePoints, householdId, pendingStates, sums) => {
    const entries = [e(5, 'effective'), e(2, 'approved'), e(8, 'submitted'), e(40, 'effective', '2025-02-02', 'h2')];
    expect(computeStanding({ year: 2025, basePoints, entries, householdId, pendingStates }))
      .toEqual({ year: 2025, base: basePoints, ...sums });
  });
});

describe('validateEntryPoints', () => {
  const fixedPlus = { sign: 1 as const, pointsMin: 2, pointsMax: 2 };
  const rangePlus = { sign: 1 as const, pointsMin: 5, pointsMax: 10 };
  const fixedMinus = { sign: -1 as const, pointsMin: -10, pointsMax: -10 };
  const rangeMinus = { sign: -1 as const, pointsMin: -10, pointsMax: -5 };
  const magnitudeMinus = { sign: -1 as const, pointsMin: -5, pointsMax: -10 }; // written by magnitude
  it.each([
    ['fixed +2', fixedPlus, 2, null],
    ['fixed +2, got 3', fixedPlus, 3, 'points_range'],
    ['fixed +2, got -2', fixedPlus, -2, 'points_sign'],
    ['fixed +2, got 0', fixedPlus, 0, 'points_sign'],
    ['range low end', rangePlus, 5, null],
    ['range high end', rangePlus, 10, null],
    ['range inside', rangePlus, 7, null],
    ['range below', rangePlus, 4, 'points_range'],
    ['range above', rangePlus, 11, 'points_range'],
    ['fraction', rangePlus, 7.5, 'points_not_integer'],
    ['NaN', rangePlus, Number.NaN, 'points_not_integer'],
    ['Infinity', rangePlus, Number.POSITIVE_INFINITY, 'points_not_integer'],
    ['fixed -10', fixedMinus, -10, null],
    ['fixed -10, got +10', fixedMinus, 10, 'points_sign'],
    ['fixed -10, got -11', fixedMinus, -11, 'points_range'],
    ['minus range inside', rangeMinus, -7, null],
    ['minus range beyond', rangeMinus, -11, 'points_range'],
    ['minus range too small', rangeMinus, -4, 'points_range'],
    ['magnitude-written range inside', magnitudeMinus, -7, null],
    ['magnitude-written range beyond', magnitudeMinus, -11, 'points_range'],
  ])('%s', (_name, indicator, points, code) => {
    expect(validateEntryPoints(indicator, points)).toBe(code);
  });
});

describe('checkCap', () => {
  it.each<[number | null, number, 'cap_exceeded' | null]>([
    [null, 0, null],
    [null, 1000, null],
    [4, 0, null],
    [4, 3, null],
    [4, 4, 'cap_exceeded'],
    [4, 5, 'cap_exceeded'],
    [1, 0, null],
    [1, 1, 'cap_exceeded'],
  ])('cap %s with %i existing → %s', (capCount, existing, expected) => {
    expect(checkCap({ capCount }, existing)).toBe(expected);
  });
});

describe('countTowardsCap', () => {
  const entries: { indicatorCode: string; occurredOn: string; state: LocalEntryState }[] = [
    { indicatorCode: 'B01', occurredOn: '2025-03-01', state: 'effective' },
    { indicatorCode: 'B01', occurredOn: '2025-03-31', state: 'queued' },
    { indicatorCode: 'B01', occurredOn: '2025-03-15', state: 'submitted' },
    { indicatorCode: 'B01', occurredOn: '2025-03-16', state: 'rejected' },
    { indicatorCode: 'B01', occurredOn: '2025-03-17', state: 'withdrawn' },
    { indicatorCode: 'B01', occurredOn: '2025-03-18', state: 'reversed' },
    { indicatorCode: 'B01', occurredOn: '2025-04-01', state: 'effective' },
    { indicatorCode: 'B01', occurredOn: '2024-03-10', state: 'effective' },
    { indicatorCode: 'A01', occurredOn: '2025-03-10', state: 'effective' },
  ];
  it.each<[string, 'month' | 'quarter' | 'year' | null, string, number]>([
    ['B01', 'month', '2025-03-20', 3],
    ['B01', 'month', '2025-04-20', 1],
    ['B01', 'quarter', '2025-02-01', 3],
    ['B01', 'year', '2025-12-31', 4],
    ['B01', 'month', '2024-03-01', 1],
    ['A01', 'month', '2025-03-01', 1],
    ['C01', 'month', '2025-03-01', 0],
    ['B01', null, '2025-03-01', 0],
  ])('%s per %s around %s → %i', (code, period, date, n) => {
    expect(countTowardsCap(entries, code, period, date)).toBe(n);
  });
});

describe('periodKey (re-exported)', () => {
  it.each([['month', '2025-03-31', '2025-03'], ['half_year', '2025-07-01', '2025-H2']] as const)('%s %s', (p, d, k) => {
    expect(periodKey(p, d)).toBe(k);
  });
});
