// Household standing and the per-entry point rules (domain.md "Points, stars, rankings").
// One implementation for phone and server, so the number a collector sees offline is the number
// the server later shows the household.
import type { IndicatorDto } from '../protocol/tables';
import type { LocalEntryState } from './entry-state';
import { COUNTING_STATES, PENDING_STATES } from './entry-state';
import type { CapPeriod } from './period';
import type { StarLevel } from './stars';
import { periodKey } from './period';
import { deductionCutoff } from './tally';

export { periodBounds, periodKey } from './period';
export type { CapPeriod } from './period';

/** domain.md: standing starts each year from a base (default 100, configurable per township). */
export const DEFAULT_BASE_POINTS = 100;

export interface StandingEntry {
  points: number;
  /** 'queued' entries (not yet on the server) neither count nor pend. */
  state: LocalEntryState;
  /** 'YYYY-MM-DD'; the entry belongs to the year it happened in, not the year it was recorded. */
  occurredOn: string;
  householdId?: string;
}

export interface StandingInput {
  year: number;
  basePoints: number;
  entries: readonly StandingEntry[];
  /** When given, only this household's entries are summed (callers may pass a whole village). */
  householdId?: string;
  pendingStates?: readonly LocalEntryState[];
  /**
   * 'YYYY-MM-DD' the standing is seen on: effective deductions that happened 12 months or more
   * before it no longer count (guardrail 3). Omitted: every deduction of the year counts.
   */
  asOf?: string;
}

export interface StandingSummary {
  year: number;
  base: number;
  /** Sum of effective entries in the year. */
  effective: number;
  /** Sum of approved / publicized / objected entries: shown as "待生效", not yet counted. */
  pending: number;
  /** base + effective: what stars and rankings use. */
  standing: number;
  /** standing + pending: what the household will have if nothing pending is overturned. */
  projected: number;
  /** Largest single effective deduction in the year, as a positive number (0 if none); ★5 needs ≤ 10. */
  maxDeduction: number;
}

/** docs/api.md `Standing`: the summary plus where the household stands, as the API returns it. */
export interface Standing extends StandingSummary {
  stars: StarLevel;
  /** 1-based, ties share a rank (ranking.ts rankInVillage). */
  rankInVillage: number;
  householdsInVillage: number;
}

/**
 * Person entries roll up to the household simply by carrying its householdId, so this sums a
 * household's and its members' entries alike. Standing restarts each year from the base.
 */
export function computeStanding(input: StandingInput): StandingSummary {
  const pendingStates: readonly LocalEntryState[] = input.pendingStates ?? PENDING_STATES;
  const counting: readonly LocalEntryState[] = COUNTING_STATES;
  let effective = 0;
  let pending = 0;
  let maxDeduction = 0;
  const cutoff = input.asOf === undefined ? null : deductionCutoff(input.asOf);
  for (const e of input.entries) {
    if (input.householdId !== undefined && e.householdId !== input.householdId) continue;
    if (Number(e.occurredOn.slice(0, 4)) !== input.year) continue;
    if (counting.includes(e.state)) {
      if (e.points < 0 && cutoff !== null && e.occurredOn <= cutoff) continue; // dropped out (guardrail 3)
      effective += e.points;
      if (e.points < 0) maxDeduction = Math.max(maxDeduction, -e.points);
    } else if (pendingStates.includes(e.state)) {
      pending += e.points;
    }
  }
  const standing = input.basePoints + effective;
  return {
    year: input.year, base: input.basePoints, effective, pending, standing,
    projected: standing + pending, maxDeduction,
  };
}

export type EntryPointsCode = 'points_not_integer' | 'points_sign' | 'points_range';

export const ENTRY_POINTS_MESSAGES: Record<EntryPointsCode | 'cap_exceeded' | 'recorder_day_cap', string> = {
  points_not_integer: '分值必须是整数',
  points_sign: '分值的正负与指标不符',
  points_range: '分值超出该指标允许的范围',
  cap_exceeded: '该指标在本周期内的记录次数已达上限',
  recorder_day_cap: '您今天（该日期）录入的记录已达本镇街规定的每日上限',
};

/**
 * Null when `points` is allowed for the indicator, else the reason code (used as the
 * MutationResult code of a rejected entry). The sign is checked before the range so that "+5 for
 * a deduction" reads as a sign mistake, not as an out-of-range one.
 */
export function validateEntryPoints(
  indicator: Pick<IndicatorDto, 'sign' | 'pointsMin' | 'pointsMax'>,
  points: number,
): EntryPointsCode | null {
  if (!Number.isInteger(points)) return 'points_not_integer';
  if (Math.sign(points) !== indicator.sign) return 'points_sign';
  // Tolerate a catalogue that wrote a deduction range by magnitude (min -5, max -10).
  const lo = Math.min(indicator.pointsMin, indicator.pointsMax);
  const hi = Math.max(indicator.pointsMin, indicator.pointsMax);
  if (points < lo || points > hi) return 'points_range';
  return null;
}

/**
 * States of an entry that use up one of the indicator's cap: everything still alive. Rejected,
 * returned (re-recorded as a new entry), withdrawn, amended and reversed entries free their slot.
 */
export const CAP_COUNTED_STATES: readonly LocalEntryState[] = [
  'queued', 'submitted', 'approved', 'publicized', 'objected', 'effective',
];

/**
 * How many of `entries` use up the cap of `indicatorCode` in the period containing `date`.
 * The caller passes the entries of one subject (the household, or the person for person items).
 */
export function countTowardsCap(
  entries: readonly { indicatorCode: string; occurredOn: string; state: LocalEntryState }[],
  indicatorCode: string,
  capPeriod: CapPeriod | null,
  date: string,
): number {
  const key = periodKey(capPeriod, date);
  if (key === null) return 0;
  return entries.filter((e) => e.indicatorCode === indicatorCode && CAP_COUNTED_STATES.includes(e.state)
    && periodKey(capPeriod, e.occurredOn) === key).length;
}

/** Null when one more entry fits under the indicator's cap, else 'cap_exceeded'. */
export function checkCap(
  indicator: Pick<IndicatorDto, 'capCount'>,
  existingCountInPeriod: number,
): 'cap_exceeded' | null {
  if (indicator.capCount === null) return null;
  return existingCountInPeriod >= indicator.capCount ? 'cap_exceeded' : null;
}

/**
 * The per-recorder-per-day cap (domain.md "Caps"), configurable per township (null: none).
 * `recordedThatDay` counts the recorder's live entries (CAP_COUNTED_STATES) with the same
 * occurred-on date; phone and server pass the same count and get the same answer.
 */
export function checkRecorderDayCap(dayCap: number | null, recordedThatDay: number): 'recorder_day_cap' | null {
  if (dayCap === null) return null;
  return recordedThatDay >= dayCap ? 'recorder_day_cap' : null;
}

/** How many of a recorder's `entries` use up their day cap on `date`. */
export function countTowardsRecorderDay(
  entries: readonly { occurredOn: string; state: LocalEntryState }[],
  date: string,
): number {
  return entries.filter((e) => e.occurredOn === date && CAP_COUNTED_STATES.includes(e.state)).length;
}
