// Village ranking for the township (domain.md "Points, stars, rankings"): villages are compared by
// rates and medians, never by raw totals, which would simply reward the biggest villages.
import { PUBLIC_BOARD_MIN_STARS, starLevel, type StarLevel } from './stars';

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

/** Households per star level: index 0 is ★1, index 4 is ★5. */
export type StarCounts = [number, number, number, number, number];

/**
 * A village's standing figures for a year, the part of its rates that is not a plain sum: its
 * households, their median standing and how many stand at each star level. `own` are the
 * households with a kept tally row; the village's other households (of `households`, the live
 * ones) stand at the base. The tally writer keeps these figures (server/repositories/tallies.ts)
 * and readers without kept figures compute them, both with this function.
 */
export interface VillageFigures { households: number; medianStanding: number | null; stars: StarCounts }

export function villageFigures(base: number, households: number, own: readonly { standing: number; stars: StarLevel }[]): VillageFigures {
  const missing = Math.max(0, households - own.length);
  const stars: StarCounts = [0, 0, 0, 0, 0];
  for (const h of own) stars[h.stars - 1]++;
  stars[starLevel(base, 0) - 1] += missing;
  const standings = own.map((h) => h.standing);
  for (let i = 0; i < missing; i++) standings.push(base);
  return { households, medianStanding: households === 0 ? null : median(standings), stars };
}

/** Households at ★3 or above (the public board's threshold) of a village's figures. */
export const star3Households = (f: Pick<VillageFigures, 'stars'>) => f.stars.slice(PUBLIC_BOARD_MIN_STARS - 1).reduce((a, b) => a + b, 0);

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

// ---- Rates from kept tallies, a choice of metric, and a sentence per village ------------------

/** The metrics a township may rank by; participation is the default (domain.md). */
export const RANKING_METRICS = ['participation', 'median', 'star3', 'onTime', 'objection'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];
export const DEFAULT_RANKING_METRIC: RankingMetric = 'participation';

export const METRIC_LABELS: Record<RankingMetric, string> = {
  participation: '参与率', median: '户均积分中位数', star3: '三星及以上户占比', onTime: '按时公示率', objection: '异议率',
};

/** Lower is better only for the objection rate. */
const LOWER_IS_BETTER: Record<RankingMetric, boolean> = { participation: false, median: false, star3: false, onTime: false, objection: true };

/** One village's figures for the year, as the township compares them. Rates are 0..1 or null (nothing to rate). */
export interface VillageRates {
  villageId: string; villageName: string; households: number;
  participationRate: number; medianStanding: number | null; star3Share: number;
  noticesOnTimeRate: number | null; objectionRate: number | null;
  pointsIssued: number; entriesThisYear: number; effectiveEntries: number;
  /** Entries of the chosen year still awaiting review, and their mean age in days. */
  pendingReview: number; pendingReviewAgeDays: number | null;
}

export interface RankedVillage extends VillageRates { rank: number; explanation: string }

export function metricValue(r: VillageRates, m: RankingMetric): number | null {
  switch (m) {
    case 'participation': return r.participationRate;
    case 'median': return r.medianStanding;
    case 'star3': return r.star3Share;
    case 'onTime': return r.noticesOnTimeRate;
    case 'objection': return r.objectionRate;
  }
}

export function formatMetric(m: RankingMetric, v: number | null): string {
  if (v === null) return '无数据';
  return m === 'median' ? String(Math.round(v * 10) / 10) : `${Math.round(v * 1000) / 10}%`;
}

/** A village without any entry in the year has nothing to compare: it is listed apart, not ranked last. */
export const hasDataInYear = (r: VillageRates) => r.entriesThisYear > 0;

function compareBy(m: RankingMetric) {
  return (a: VillageRates, b: VillageRates) => {
    const va = metricValue(a, m);
    const vb = metricValue(b, m);
    if (va === vb) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return LOWER_IS_BETTER[m] ? va - vb : vb - va;
  };
}

/**
 * Villages with data, ordered by the metric (then participation, median, ★3+ share, pinyin
 * name, id), competition-ranked ("1224") on the metric, each with a sentence; and those without.
 */
export function rankVillageRates(villages: readonly VillageRates[], metric: RankingMetric = DEFAULT_RANKING_METRIC): { ranked: RankedVillage[]; unranked: VillageRates[] } {
  const withData = villages.filter(hasDataInYear);
  const unranked = villages.filter((v) => !hasDataInYear(v))
    .sort((a, b) => nameOrder.compare(a.villageName, b.villageName) || (a.villageId < b.villageId ? -1 : 1));
  const primary = compareBy(metric);
  const sorted = [...withData].sort((a, b) => primary(a, b)
    || compareBy('participation')(a, b) || compareBy('median')(a, b) || compareBy('star3')(a, b)
    || nameOrder.compare(a.villageName, b.villageName) || (a.villageId < b.villageId ? -1 : a.villageId > b.villageId ? 1 : 0));
  const values = sorted.map((v) => metricValue(v, metric)).filter((v): v is number => v !== null);
  const townMedian = median(values);
  const ranked: RankedVillage[] = [];
  sorted.forEach((v, i) => {
    const rank = i > 0 && primary(sorted[i - 1], v) === 0 ? ranked[i - 1].rank : i + 1;
    ranked.push({ ...v, rank, explanation: explainPlace(v, rank, sorted.length, metric, townMedian) });
  });
  return { ranked, unranked };
}

/** The sentence that explains a village's place: the metric, its value, the township's median, the next figures. */
export function explainPlace(v: VillageRates, rank: number, count: number, metric: RankingMetric, townMedian: number | null): string {
  const label = METRIC_LABELS[metric];
  const value = metricValue(v, metric);
  let compare = '';
  if (value !== null && townMedian !== null) {
    const better = LOWER_IS_BETTER[metric] ? value < townMedian : value > townMedian;
    const worse = LOWER_IS_BETTER[metric] ? value > townMedian : value < townMedian;
    compare = better ? `，好于全镇中位数${formatMetric(metric, townMedian)}` : worse ? `，不及全镇中位数${formatMetric(metric, townMedian)}` : '，与全镇中位数持平';
  }
  const others = RANKING_METRICS.filter((m) => m !== metric && m !== 'objection' && m !== 'onTime').slice(0, 2)
    .map((m) => `${METRIC_LABELS[m]}${formatMetric(m, metricValue(v, m))}`).join('，');
  const backlog = v.pendingReview > 0 ? `；另有${v.pendingReview}条记录待审核` : '';
  return `${v.villageName}按${label}在${count}个有记录的村中排第${rank}：${label}${formatMetric(metric, value)}${compare}（${others}）${backlog}。`;
}
