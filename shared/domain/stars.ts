// Star households (星级文明户), domain.md defaults; a township may configure other thresholds.
// Guardrail 4 and 5: only ★3 and above ever appear on public boards, and only with consent.

export type StarLevel = 1 | 2 | 3 | 4 | 5;

export interface StarRules {
  /** Minimum standing for ★5, ★4, ★3, ★2; below the last is ★1. */
  thresholds: { 5: number; 4: number; 3: number; 2: number };
  /** ★5 also needs no single effective deduction larger than this (in points, positive). */
  maxDeductionFor5: number;
}

export const DEFAULT_STAR_RULES: StarRules = {
  thresholds: { 5: 160, 4: 140, 3: 120, 2: 100 },
  maxDeductionFor5: 10,
};

/** Lowest level that public boards may show (and only with the household's consent). */
export const PUBLIC_BOARD_MIN_STARS: StarLevel = 3;

/**
 * @param standing the household's standing for the year (base + effective).
 * @param maxSingleDeduction largest single effective deduction in the year; its sign is ignored,
 *   so both -15 and 15 mean "a deduction of 15 points" (Standing.maxDeduction is positive).
 */
export function starLevel(standing: number, maxSingleDeduction: number, rules: StarRules = DEFAULT_STAR_RULES): StarLevel {
  const t = rules.thresholds;
  // A household with a big deduction drops to ★4, not lower: the deduction is already in standing.
  if (standing >= t[5] && Math.abs(maxSingleDeduction) <= rules.maxDeductionFor5) return 5;
  if (standing >= t[4]) return 4;
  if (standing >= t[3]) return 3;
  if (standing >= t[2]) return 2;
  return 1;
}

/** What the next star level needs (issue 13: stars are never shown bare). */
export type NextStar =
  | { kind: 'top' }
  | { kind: 'points'; next: StarLevel; points: number }
  /** Standing is enough for ★5 but a single deduction is too large this year. */
  | { kind: 'deduction'; next: 5; maxDeduction: number };

export function nextStarNeed(standing: number, maxSingleDeduction: number, rules: StarRules = DEFAULT_STAR_RULES): NextStar {
  const level = starLevel(standing, maxSingleDeduction, rules);
  if (level === 5) return { kind: 'top' };
  const next = (level + 1) as Exclude<StarLevel, 1>;
  const need = rules.thresholds[next] - standing;
  if (next === 5 && need <= 0) return { kind: 'deduction', next: 5, maxDeduction: rules.maxDeductionFor5 };
  return { kind: 'points', next, points: need };
}

/** '★★☆☆☆': filled and empty stars, so the scale of 5 is visible. */
export function starGlyphs(level: number): string {
  const n = Math.max(0, Math.min(5, Math.round(level)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}
