// Anomaly flags for township review (domain.md, issue 12). Pure functions over counts the server
// gathers in the background; each flag says in Chinese why it was raised. Flags ask a person to
// look; they never change an entry, a standing or anyone's access.

export type AnomalyKind = 'recorder_outlier' | 'household_burst' | 'own_household' | 'deductions_concentrated';

export interface AnomalyFlag {
  kind: AnomalyKind;
  /** The recorder (outlier, own household), household (burst) or village (concentration). */
  subjectId: string;
  villageId: string | null;
  day: string | null;
  /** How far out: the robust z-score, the count, or the share. */
  score: number;
  reasonZh: string;
}

/** Median of numbers (0 for none). */
function med(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median absolute deviation, scaled (×1.4826) to estimate a standard deviation for normal data. */
export function mad(xs: readonly number[]): number {
  const m = med(xs);
  return 1.4826 * med(xs.map((x) => Math.abs(x - m)));
}

/** Robust z-score above which a recorder's volume is flagged (Iglewicz & Hoaglin's 3.5). */
export const RECORDER_Z_LIMIT = 3.5;

/**
 * Recorders whose entry count for the period is far above the township's norm: median + MAD, so
 * that a few very busy recorders do not move the norm they are measured against. When most
 * recorders record the same amount (MAD 0), a spread of one entry is assumed, never zero.
 */
export function recorderOutliers(counts: readonly { recorderId: string; entries: number; name?: string }[], zLimit = RECORDER_Z_LIMIT): AnomalyFlag[] {
  if (counts.length < 3) return [];
  const xs = counts.map((c) => c.entries);
  const m = med(xs);
  const spread = Math.max(mad(xs), 1);
  return counts
    .map((c) => ({ c, z: (c.entries - m) / spread }))
    .filter(({ z }) => z > zLimit)
    .sort((a, b) => b.z - a.z)
    .map(({ c, z }) => ({
      kind: 'recorder_outlier' as const, subjectId: c.recorderId, villageId: null, day: null, score: Math.round(z * 10) / 10,
      reasonZh: `${c.name ?? '该记录员'}本期录入 ${c.entries} 条，全镇记录员中位数 ${m} 条，高出 ${Math.round(z * 10) / 10} 个稳健标准差（中位数绝对偏差法，阈值 ${zLimit}）`,
    }));
}

/** Entries for one household on one day above which a burst is flagged. */
export const BURST_PER_DAY = 5;

export function householdBursts(rows: readonly { householdId: string; villageId: string; day: string; entries: number; householdLabel?: string }[], limit = BURST_PER_DAY): AnomalyFlag[] {
  return rows.filter((r) => r.entries > limit).map((r) => ({
    kind: 'household_burst' as const, subjectId: r.householdId, villageId: r.villageId, day: r.day, score: r.entries,
    reasonZh: `${r.day} 一天内为${r.householdLabel ?? '该户'}录入 ${r.entries} 条记录（超过每户每天 ${limit} 条）`,
  }));
}

export function ownHouseholdEntries(rows: readonly { recorderId: string; householdId: string; villageId: string; entries: number; name?: string }[]): AnomalyFlag[] {
  return rows.filter((r) => r.entries > 0).map((r) => ({
    kind: 'own_household' as const, subjectId: r.recorderId, villageId: r.villageId, day: null, score: r.entries,
    reasonZh: `${r.name ?? '该记录员'}为自己家录入了 ${r.entries} 条记录，应由他人录入和审核`,
  }));
}

/** A village is flagged when this few households carry at least this share of its deductions. */
export const CONCENTRATION = { topHouseholds: 3, share: 0.5, minDeductions: 6 } as const;

export function concentratedDeductions(villageId: string, perHousehold: readonly number[], villageName = '该村'): AnomalyFlag | null {
  const total = perHousehold.reduce((a, b) => a + b, 0);
  if (total < CONCENTRATION.minDeductions) return null;
  const top = [...perHousehold].sort((a, b) => b - a).slice(0, CONCENTRATION.topHouseholds).reduce((a, b) => a + b, 0);
  const share = top / total;
  if (share < CONCENTRATION.share || perHousehold.length <= CONCENTRATION.topHouseholds) return null;
  return {
    kind: 'deductions_concentrated', subjectId: villageId, villageId, day: null, score: Math.round(share * 100) / 100,
    reasonZh: `${villageName}本期 ${total} 条扣分中，${Math.min(CONCENTRATION.topHouseholds, perHousehold.length)} 户占 ${Math.round(share * 100)}%，扣分集中在少数农户`,
  };
}
