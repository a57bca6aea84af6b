// What one entry contributes to the kept tallies (server/repositories/tallies.ts), as a pure
// function of its state. The server keeps the tallies incrementally: a state change adds
// contribution(to) − contribution(from); a recomputation sums contribution(state) over the
// ledger. Both use these functions, so they can only disagree if a state change was missed
// (the property test in server/tallies/tallies.test.ts checks that none is).
import type { EntryState } from './entry-state';
import { COUNTING_STATES, PENDING_STATES } from './entry-state';
import { DEFAULT_STAR_RULES, starLevel, type StarLevel } from './stars';

/** Participation counts an entry that is on its way to counting or counts; withdrawn and refused ones do not. */
export const PARTICIPATING_STATES: readonly EntryState[] = ['submitted', 'approved', 'publicized', 'objected', 'effective', 'amended', 'reversed'];

/** A deduction larger than this keeps a household from ★5 (stars.ts maxDeductionFor5). */
export const BIG_DEDUCTION = DEFAULT_STAR_RULES.maxDeductionFor5;

/** Guardrail 3 / 8: a negative entry stops counting 12 months after it happened. */
export const DEDUCTION_LIFETIME_MONTHS = 12;

/** A notice is on time when an approved entry is publicized within this many days of approval. */
export const NOTICE_ON_TIME_DAYS = 14;

export interface TallyEntry {
  id: string; villageId: string; householdId: string; points: number;
  /** 'YYYY-MM-DD'. */
  occurredOn: string;
  /** ISO instant the server received it (the review backlog's age). */
  createdAt: string;
}

/** Per-household and per-village counters one entry adds in a state (all zero for null). */
export interface Contribution {
  effectivePoints: number; positivePoints: number; deductionPoints: number; bigDeductions: number;
  effectiveEntries: number; liveEntries: number; participatingEntries: number; pendingPoints: number;
  awaitingReview: number; awaitingCreatedDays: number;
}

export const ZERO_CONTRIBUTION: Contribution = {
  effectivePoints: 0, positivePoints: 0, deductionPoints: 0, bigDeductions: 0, effectiveEntries: 0,
  liveEntries: 0, participatingEntries: 0, pendingPoints: 0, awaitingReview: 0, awaitingCreatedDays: 0,
};

/** Whole days since 1970-01-01 of an ISO instant (UTC): summed, they give the backlog's mean age. */
export const dayNumber = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);

export function contribution(entry: Pick<TallyEntry, 'points' | 'createdAt'>, state: EntryState | null): Contribution {
  if (state === null) return ZERO_CONTRIBUTION;
  const effective = COUNTING_STATES.includes(state);
  const p = entry.points;
  const submitted = state === 'submitted';
  return {
    effectivePoints: effective ? p : 0,
    positivePoints: effective && p > 0 ? p : 0,
    deductionPoints: effective && p < 0 ? p : 0,
    bigDeductions: effective && -p > BIG_DEDUCTION ? 1 : 0,
    effectiveEntries: effective ? 1 : 0,
    liveEntries: state === 'withdrawn' ? 0 : 1,
    participatingEntries: PARTICIPATING_STATES.includes(state) ? 1 : 0,
    pendingPoints: PENDING_STATES.includes(state) ? p : 0,
    awaitingReview: submitted ? 1 : 0,
    awaitingCreatedDays: submitted ? dayNumber(entry.createdAt) : 0,
  };
}

/** contribution(to) − contribution(from), counter by counter. */
export function contributionDelta(entry: Pick<TallyEntry, 'points' | 'createdAt'>, from: EntryState | null, to: EntryState | null): Contribution {
  const a = contribution(entry, from);
  const b = contribution(entry, to);
  const out = { ...ZERO_CONTRIBUTION };
  for (const k of Object.keys(out) as (keyof Contribution)[]) out[k] = b[k] - a[k];
  return out;
}

/** Counters of events (never decremented): entering 'publicized' (on time or late) and 'objected'. */
export interface EventCounts { publicized: number; publicizedOnTime: number; objected: number }

/**
 * @param approvedAt when the entry was approved (its updated_at before being publicized).
 */
export function eventCounts(to: EntryState | null, at: string, approvedAt: string | null): EventCounts {
  if (to === 'publicized') {
    const onTime = approvedAt !== null && Date.parse(at) - Date.parse(approvedAt) <= NOTICE_ON_TIME_DAYS * 86_400_000;
    return { publicized: 1, publicizedOnTime: onTime ? 1 : 0, objected: 0 };
  }
  if (to === 'objected') return { publicized: 0, publicizedOnTime: 0, objected: 1 };
  return { publicized: 0, publicizedOnTime: 0, objected: 0 };
}

/**
 * Last day on which a deduction no longer counts, seen on `today` ('YYYY-MM-DD'): deductions that
 * happened on or before it have dropped out (12 months, guardrail 3).
 */
export function deductionCutoff(today: string): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const d = Number(today.slice(8, 10));
  const back = new Date(Date.UTC(y, m - 1 - DEDUCTION_LIFETIME_MONTHS, d));
  // 29 Feb minus a year lands on 1 Mar in Date arithmetic: clamp to the month's last day.
  if (back.getUTCMonth() !== ((m - 1 + 12 * 10) % 12)) back.setUTCDate(0);
  return back.toISOString().slice(0, 10);
}

/** True while a deduction that happened on `occurredOn` still counts on `today`. */
export const deductionCounts = (occurredOn: string, today: string) => occurredOn > deductionCutoff(today);

/** A household's kept counters for a year, as the standing needs them. */
export interface HouseholdTallyCounters { effectivePoints: number; bigDeductions: number; pendingPoints: number }

/**
 * Standing from kept counters, leaving out deductions that have dropped out (`expired`: their
 * sum, negative, and how many were big). The same numbers computeStanding gives from entries.
 */
export function standingFromTally(
  base: number,
  t: HouseholdTallyCounters | null,
  expired: { points: number; bigCount: number } | null = null,
): { standing: number; pending: number; projected: number; blocksFive: boolean } {
  const effective = (t?.effectivePoints ?? 0) - (expired?.points ?? 0);
  const standing = base + effective;
  const pending = t?.pendingPoints ?? 0;
  return { standing, pending, projected: standing + pending, blocksFive: (t?.bigDeductions ?? 0) - (expired?.bigCount ?? 0) > 0 };
}

/** Standing from kept counters (standingFromTally) and the star level it earns. */
export function standingWithStars(
  base: number,
  t: HouseholdTallyCounters | null,
  expired: { points: number; bigCount: number } | null = null,
): { standing: number; pending: number; projected: number; stars: StarLevel } {
  const s = standingFromTally(base, t, expired);
  return { standing: s.standing, pending: s.pending, projected: s.projected, stars: starLevel(s.standing, s.blocksFive ? BIG_DEDUCTION + 1 : 0) };
}
