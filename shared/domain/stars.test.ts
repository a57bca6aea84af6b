import { describe, expect, it } from 'vitest';
import type { StarLevel } from './stars';
import { DEFAULT_STAR_RULES, nextStarNeed, starGlyphs, starLevel } from './stars';

describe('starLevel (default rules)', () => {
  it.each<[number, number, StarLevel]>([
    [200, 0, 5],
    [160, 0, 5],
    [160, 10, 5],
    [160, -10, 5],
    [160, 11, 4],
    [160, -11, 4],
    [250, 30, 4],
    [159, 0, 4],
    [140, 0, 4],
    [139, 0, 3],
    [120, 0, 3],
    [119, 0, 2],
    [100, 0, 2],
    [99, 0, 1],
    [0, 0, 1],
    [-20, 30, 1],
    [139.5, 0, 3],
  ])('standing %d, max deduction %d → ★%i', (standing, maxDed, stars) => {
    expect(starLevel(standing, maxDed)).toBe(stars);
  });
});

describe('starLevel (township rules)', () => {
  const strict = { thresholds: { 5: 180, 4: 150, 3: 130, 2: 100 }, maxDeductionFor5: 0 };
  it.each<[number, number, StarLevel]>([
    [180, 0, 5],
    [180, 1, 4],
    [179, 0, 4],
    [150, 0, 4],
    [149, 0, 3],
    [130, 0, 3],
    [129, 0, 2],
  ])('standing %d, max deduction %d → ★%i', (standing, maxDed, stars) => {
    expect(starLevel(standing, maxDed, strict)).toBe(stars);
  });

  it('defaults match domain.md', () => {
    expect(DEFAULT_STAR_RULES).toEqual({ thresholds: { 5: 160, 4: 140, 3: 120, 2: 100 }, maxDeductionFor5: 10 });
  });
});

describe('nextStarNeed and starGlyphs', () => {
  it.each([
    [80, 0, { kind: 'points', next: 2, points: 20 }],
    [100, 0, { kind: 'points', next: 3, points: 20 }],
    [139, 5, { kind: 'points', next: 4, points: 1 }],
    [150, 0, { kind: 'points', next: 5, points: 10 }],
    [170, 15, { kind: 'deduction', next: 5, maxDeduction: 10 }],
    [160, 10, { kind: 'top' }],
  ])('standing %i, largest deduction %i → %j', (standing, ded, expected) => {
    expect(nextStarNeed(standing, ded)).toEqual(expected);
  });
  it.each([[0, '☆☆☆☆☆'], [2, '★★☆☆☆'], [5, '★★★★★'], [7, '★★★★★']])('%i → %s', (n, s) => {
    expect(starGlyphs(n)).toBe(s);
  });
});
