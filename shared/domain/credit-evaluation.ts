// 信用户评定: an evaluation round per village. Committee members rate every household back to back
// (nobody sees another's rating before submitting their own); a rater who does not know a household
// says so with a coded reason. Households whose ratings disagree are flagged for discussion and
// need a resolution before the result is posted (with an objection window) and then fixed. Pure.
import { gradeRank, type Grade } from './credit-grade';

export const UNKNOWN_REASONS = ['not_acquainted', 'moved_in_recently', 'away_long', 'relative_recusal'] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];
export const UNKNOWN_REASON_NAMES: Record<UnknownReason, string> = {
  not_acquainted: '平时无来往，不了解', moved_in_recently: '新迁入，不了解', away_long: '长期外出，不了解', relative_recusal: '亲属关系，回避',
};

export const ROUND_STATUSES = ['rating', 'posted', 'fixed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const ROUND_STATUS_NAMES: Record<RoundStatus, string> = { rating: '评议中', posted: '公示中', fixed: '已确定' };

/** Sheets needed before a result can be posted. */
export const MIN_RATERS = 2;
export const OBJECTION_DAYS_DEFAULT = 7;

export interface Rating { raterId: string; grade: Grade | null; unknownReason: UnknownReason | null }

export interface HouseholdTally {
  /** The agreed result, or null while flagged and not resolved. */
  result: Grade | null;
  flagged: boolean;
  known: number;
  unknown: number;
  counts: Record<Grade, number>;
}

/**
 * One household's ratings: all who know it agree → that grade; nobody knows it → not rated;
 * otherwise flagged for discussion (the committee's resolution decides).
 */
export function tallyHousehold(ratings: readonly Rating[]): HouseholdTally {
  const counts: Record<Grade, number> = { AAA: 0, AA: 0, A: 0, none: 0 };
  let unknown = 0;
  for (const r of ratings) {
    if (r.grade === null) unknown++;
    else counts[r.grade]++;
  }
  const given = (Object.keys(counts) as Grade[]).filter((g) => counts[g] > 0);
  const known = ratings.length - unknown;
  if (known === 0) return { result: 'none', flagged: false, known, unknown, counts };
  if (given.length === 1) return { result: given[0], flagged: false, known, unknown, counts };
  return { result: null, flagged: true, known, unknown, counts };
}

/** Spread of the ratings in grade steps (0 = all agree); shown beside a flagged household. */
export function ratingSpread(t: HouseholdTally): number {
  const ranks = (Object.keys(t.counts) as Grade[]).filter((g) => t.counts[g] > 0).map(gradeRank);
  return ranks.length ? Math.max(...ranks) - Math.min(...ranks) : 0;
}

/** A rating is a grade or "I do not know this household" with a coded reason, not both. */
export function checkRating(r: { grade: string | null; unknownReason: string | null }): { ok: true } | { ok: false; message: string } {
  if (r.grade === null) {
    return r.unknownReason && (UNKNOWN_REASONS as readonly string[]).includes(r.unknownReason)
      ? { ok: true } : { ok: false, message: '选择“不了解此户”时必须选一个原因' };
  }
  if (r.unknownReason !== null) return { ok: false, message: '已评等级时不能同时选择“不了解”' };
  return ['AAA', 'AA', 'A', 'none'].includes(r.grade) ? { ok: true } : { ok: false, message: '评定等级无效' };
}

/** 32-bit FNV-1a: a stable, seedable order for the township's sample. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h;
}

/** A share (0–1] of the households, at least one, chosen by the seed (the round id): reproducible. */
export function drawSample(householdIds: readonly string[], share: number, seed: string): string[] {
  if (householdIds.length === 0) return [];
  const n = Math.min(householdIds.length, Math.max(1, Math.ceil(householdIds.length * share)));
  return [...householdIds].sort((a, b) => fnv(seed + a) - fnv(seed + b) || (a < b ? -1 : 1)).slice(0, n);
}
