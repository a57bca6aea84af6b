import { describe, expect, it } from 'vitest';
import type { RankingHousehold, RankingVillageInput } from './ranking';
import { median, rankInVillage, rankVillages, star3Households, villageFigures } from './ranking';

describe('median', () => {
  it.each<[number[], number | null]>([
    [[], null],
    [[7], 7],
    [[1, 3], 2],
    [[3, 1, 2], 2],
    [[100, 120, 90, 140], 110],
    [[5, 5, 5, 5], 5],
    [[-10, 10], 0],
    [[101, 100], 100.5],
  ])('%j → %s', (xs, m) => {
    expect(median(xs)).toBe(m);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('rankInVillage', () => {
  it.each<[number[], number, number]>([
    [[150, 130, 130, 100], 150, 1],
    [[150, 130, 130, 100], 130, 2],
    [[150, 130, 130, 100], 100, 4],
    [[100, 100, 100], 100, 1],
    [[], 100, 1],
    [[150, 120], 130, 2], // not in the list: where it would stand
    [[150, 130, 130, 100], 90, 5],
  ])('%j own %d → %i', (standings, own, rank) => {
    expect(rankInVillage(standings, own)).toBe(rank);
  });
});

const hh = (standing: number, hasEntryInPeriod: boolean, stars: number): RankingHousehold =>
  ({ standing, hasEntryInPeriod, stars });
const village = (villageId: string, households: RankingHousehold[], villageName = villageId): RankingVillageInput =>
  ({ villageId, villageName, households, entriesThisYear: households.length * 3, pendingReview: 1, effectiveEntries: 2 });

describe('rankVillages: row values', () => {
  it.each<[string, RankingHousehold[], { households: number; participationRate: number; medianStanding: number | null; star3Share: number }]>([
    ['empty village', [], { households: 0, participationRate: 0, medianStanding: null, star3Share: 0 }],
    ['all participate', [hh(120, true, 3), hh(100, true, 2)], { households: 2, participationRate: 1, medianStanding: 110, star3Share: 0.5 }],
    ['quarter participate', [hh(100, true, 2), hh(100, false, 2), hh(140, false, 4), hh(160, false, 5)],
      { households: 4, participationRate: 0.25, medianStanding: 120, star3Share: 0.5 }],
    ['nobody ★3', [hh(90, true, 1), hh(119, false, 2), hh(100, false, 2)],
      { households: 3, participationRate: 1 / 3, medianStanding: 100, star3Share: 0 }],
  ])('%s', (_name, households, expected) => {
    const [row] = rankVillages([village('v', households)]);
    expect(row).toEqual({
      villageId: 'v', villageName: 'v', entriesThisYear: households.length * 3, pendingReview: 1, effectiveEntries: 2, ...expected,
    });
  });
});

describe('rankVillages: order', () => {
  it.each<[string, RankingVillageInput[], string[]]>([
    ['participation rate first, not size', [
      village('big', [...Array(50)].map((_, i) => hh(200, i < 10, 5))), // 20%, huge totals
      village('small', [hh(100, true, 2), hh(100, false, 2)]), // 50%
    ], ['small', 'big']],
    ['then median standing', [
      village('low', [hh(100, true, 2), hh(110, true, 2)]),
      village('high', [hh(130, true, 3), hh(150, true, 4)]),
    ], ['high', 'low']],
    ['then ★3+ share', [
      village('few', [hh(119, true, 2), hh(119, true, 2), hh(200, true, 5)]),
      village('many', [hh(119, true, 2), hh(120, true, 3), hh(120, true, 3)]),
    ], ['many', 'few']],
    ['then name, then id', [
      village('v2', [hh(100, true, 2)], '乙村'),
      village('v3', [hh(100, true, 2)], '甲村'),
      village('v1', [hh(100, true, 2)], '乙村'),
    ], ['v3', 'v1', 'v2']],
    ['empty villages last', [
      village('empty', []),
      village('zero', [hh(50, false, 1)]),
    ], ['zero', 'empty']],
    ['nothing to rank', [], []],
  ])('%s', (_name, villages, order) => {
    expect(rankVillages(villages).map((r) => r.villageId)).toEqual(order);
  });
});

describe('villageFigures', () => {
  const h = (standing: number, stars: 1 | 2 | 3 | 4 | 5) => ({ standing, stars });
  it.each<[string, number, { standing: number; stars: 1 | 2 | 3 | 4 | 5 }[], ReturnType<typeof villageFigures>]>([
    ['no households', 0, [], { households: 0, medianStanding: null, stars: [0, 0, 0, 0, 0] }],
    ['all at the base', 3, [], { households: 3, medianStanding: 100, stars: [0, 3, 0, 0, 0] }],
    ['kept rows and base households', 4, [h(130, 4), h(90, 1)], { households: 4, medianStanding: 100, stars: [1, 2, 0, 1, 0] }],
    ['an even count averages the middle two', 2, [h(105, 2), h(100, 2)], { households: 2, medianStanding: 102.5, stars: [0, 2, 0, 0, 0] }],
    ['more kept rows than live households: every row counts', 1, [h(120, 3), h(140, 4)], { households: 1, medianStanding: 130, stars: [0, 0, 1, 1, 0] }],
  ])('%s', (_name, households, own, expected) => {
    expect(villageFigures(100, households, own)).toEqual(expected);
  });

  it('counts households at ★3 or above', () => {
    expect(star3Households({ stars: [1, 2, 3, 4, 5] })).toBe(12);
  });
});
