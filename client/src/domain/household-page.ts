// What the household page shows, computed from the phone's rows with the shared rules: standing,
// stars with what the next level needs, and the entries grouped by where they are in their life
// cycle. "待生效" counts every entry still on its way to effective — queued on the phone,
// submitted, approved, in notice, objected — not only the approved ones (issue 13: "待生效 0"
// while three entries were submitted).
import { computeStanding, DEFAULT_BASE_POINTS } from '../../../shared/domain/points';
import { nextStarNeed, starGlyphs, starLevel, type NextStar } from '../../../shared/domain/stars';
import type { LocalEntryState } from '../../../shared/domain/entry-state';
import type { LocalEntry } from '../db/db';

/** On their way to effective: their points are "待生效". */
export const ON_THE_WAY: readonly LocalEntryState[] = ['queued', 'submitted', 'approved', 'publicized', 'objected'];
/** The collector has to act: refused by the committee or returned for correction. */
export const NEEDS_ACTION: readonly LocalEntryState[] = ['rejected', 'returned'];

export interface HouseholdPageModel {
  standing: number;
  stars: number;
  glyphs: string;
  next: NextStar;
  pendingPoints: number;
  pendingCount: number;
  /** Submitted on the phone or on the server, waiting for the committee. */
  inReview: number;
  needsAction: number;
  /** Newest first (by occurred-on date, then creation time). */
  entries: LocalEntry[];
}

export function householdPageModel(entries: readonly LocalEntry[], year: number, basePoints = DEFAULT_BASE_POINTS): HouseholdPageModel {
  const summary = computeStanding({ year, basePoints, entries, pendingStates: ON_THE_WAY });
  let pendingCount = 0;
  let inReview = 0;
  let needsAction = 0;
  const yearPrefix = String(year);
  for (const e of entries) {
    if (ON_THE_WAY.includes(e.state) && e.occurredOn.startsWith(yearPrefix)) pendingCount++;
    if (e.state === 'queued' || e.state === 'submitted') inReview++;
    if (NEEDS_ACTION.includes(e.state) || e.syncIssue) needsAction++;
  }
  const stars = starLevel(summary.standing, summary.maxDeduction);
  return {
    standing: summary.standing, stars, glyphs: starGlyphs(stars), next: nextStarNeed(summary.standing, summary.maxDeduction),
    pendingPoints: summary.pending, pendingCount, inReview, needsAction,
    entries: [...entries].sort((a, b) => (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
  };
}
