// Village ranking for the township (domain.md "Points, stars, rankings"): villages are compared by
// rates and medians, never by raw totals, which would simply reward the biggest villages.
import { PUBLIC_BOARD_MIN_STARS } from './stars';

export interface RankingHousehold {
  standing: number;
  /** The household has at least one entry in the period (participation). */
  hasEntryInPeriod: boolean;
  stars: number;
}

export interface RankingVillageInput {
  villageId: string;
  villageName: string;
  households: readonly RankingHousehold[];
  entriesThisYear: number;
  pendingReview: number;
  effectiveEntries: number;
}

/** docs/api.md `VillageRankingRow`. Rates are fractions 0..1; formatting is the client's job. */
export interface VillageRankingRow {
  villageId: string;
  villageName: string;
  households: number;
  participationRate: number;
  /** Null for a village without households: there is no median to show. */
  medianStanding: number | null;
  /** Share of households at ★3 or above. */
  star3Share: number;
  entriesThisYear: number;
  pendingReview: number;
  effectiveEntries: number;
}

/** Median of the numbers (mean of the middle two for an even count); null when empty. */
export function median(numbers: readonly number[]): number | null {
  if (numbers.length === 0) return null;
  const s = [...numbers].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Competition ranking ("1224"): 1 + the number of strictly higher standings, so tied households
 * share a rank and nobody is ranked below a household with the same standing.
 */
export function rankInVillage(standings: readonly number[], own: number): number {
  return 1 + standings.filter((s) => s > own).length;
}

// Pinyin order for village names, as a township officer would look them up; id breaks the rest.
const nameOrder = new Intl.Collator('zh-CN');

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Null medians (empty villages) sort after every real one. */
const byMedianDesc = (a: number | null, b: number | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a;

/**
 * Rows ordered by participation rate, then median standing, then ★3+ share (all descending);
 * name (pinyin) and id break the remaining ties so the order is the same on every run.
 */
export function rankVillages(villages: readonly RankingVillageInput[]): VillageRankingRow[] {
  const rows = villages.map((v): VillageRankingRow => {
    const n = v.households.length;
    return {
      villageId: v.villageId,
      villageName: v.villageName,
      households: n,
      participationRate: share(v.households.filter((h) => h.hasEntryInPeriod).length, n),
      medianStanding: median(v.households.map((h) => h.standing)),
      star3Share: share(v.households.filter((h) => h.stars >= PUBLIC_BOARD_MIN_STARS).length, n),
      entriesThisYear: v.entriesThisYear,
      pendingReview: v.pendingReview,
      effectiveEntries: v.effectiveEntries,
    };
  });
  return rows.sort((a, b) =>
    b.participationRate - a.participationRate
    || byMedianDesc(a.medianStanding, b.medianStanding)
    || b.star3Share - a.star3Share
    || nameOrder.compare(a.villageName, b.villageName)
    || (a.villageId < b.villageId ? -1 : a.villageId > b.villageId ? 1 : 0));
}
