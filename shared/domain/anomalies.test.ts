import { describe, expect, it } from 'vitest';
import { concentratedDeductions, householdBursts, mad, ownHouseholdEntries, recorderOutliers } from './anomalies';

describe('recorder outliers (median + MAD)', () => {
  it('flags a recorder far above the norm and says why', () => {
    const counts = [40, 42, 38, 45, 41, 39, 44, 300].map((entries, i) => ({ recorderId: `r${i}`, entries }));
    const flags = recorderOutliers(counts);
    expect(flags.map((f) => f.subjectId)).toEqual(['r7']);
    expect(flags[0].reasonZh).toMatch(/300 条.*中位数 41.5 条/);
  });

  it('is robust: a second busy recorder does not hide the first (a mean and SD would)', () => {
    const counts = [40, 42, 38, 45, 41, 300, 320].map((entries, i) => ({ recorderId: `r${i}`, entries }));
    expect(recorderOutliers(counts).map((f) => f.subjectId).sort()).toEqual(['r5', 'r6']);
  });

  it('has no fixed count: in a busy township the same 300 is normal', () => {
    const counts = [280, 300, 310, 295, 305].map((entries, i) => ({ recorderId: `r${i}`, entries }));
    expect(recorderOutliers(counts)).toEqual([]);
  });

  it.each([
    [[5, 5, 5, 5, 9], ['r4']], [[5, 5, 5, 5, 8], []], [[1, 2], []],
  ])('with identical counts assumes a spread of one entry: %j', (xs, flagged) => {
    expect(recorderOutliers(xs.map((entries, i) => ({ recorderId: `r${i}`, entries }))).map((f) => f.subjectId)).toEqual(flagged);
  });

  it('mad is scaled to a standard deviation', () => {
    expect(mad([1, 2, 3, 4, 5])).toBeCloseTo(1.4826);
  });
});

describe('other flags', () => {
  it.each([[5, 0], [6, 1], [12, 1]])('bursts: %i entries for a household in a day → %i flag', (entries, n) => {
    const flags = householdBursts([{ householdId: 'h', villageId: 'v', day: '2026-03-01', entries }]);
    expect(flags).toHaveLength(n);
    if (n) expect(flags[0].reasonZh).toContain('2026-03-01');
  });

  it('entries for the recorder’s own household', () => {
    const flags = ownHouseholdEntries([{ recorderId: 'r', householdId: 'h', villageId: 'v', entries: 2, name: '王会计' }, { recorderId: 's', householdId: 'g', villageId: 'v', entries: 0 }]);
    expect(flags).toHaveLength(1);
    expect(flags[0].reasonZh).toBe('王会计为自己家录入了 2 条记录，应由他人录入和审核');
  });

  it.each([
    [[5, 4, 1, 0, 0, 0], true], [[1, 1, 1, 1, 1, 1, 1, 1], false], [[3, 1], false], [[2, 1, 1, 0, 0], false],
  ])('deductions concentrated on a few households: %j → %s', (xs, flagged) => {
    const f = concentratedDeductions('v', xs, '东村');
    expect(f !== null).toBe(flagged);
    if (f) expect(f.reasonZh).toMatch(/东村.*3 户占 \d+%/);
  });
});
