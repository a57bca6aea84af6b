// Pure helpers of the entry form: indicator grouping, the points a collector may choose, dates.
import { INDICATOR_CATEGORIES } from '../../../shared/domain/catalog-default';
import type { IndicatorDto } from '../../../shared/protocol/tables';

export interface IndicatorGroup {
  category: string;
  nameZh: string;
  nameEn: string;
  indicators: IndicatorDto[];
}

/** The four categories in their fixed order, then any other category a township added. */
export function groupIndicators(indicators: readonly IndicatorDto[]): IndicatorGroup[] {
  const groups: IndicatorGroup[] = [];
  // A category may arrive as its Chinese name (the catalogue's spelling), its letter or English.
  const byName = new Map<string, IndicatorGroup>();
  for (const c of INDICATOR_CATEGORIES) {
    const g: IndicatorGroup = { category: c.zh, nameZh: c.zh, nameEn: c.en, indicators: [] };
    groups.push(g);
    for (const alias of [c.zh, c.key, c.en]) byName.set(alias, g);
  }
  for (const ind of indicators) {
    let g = byName.get(ind.category);
    if (!g) {
      g = { category: ind.category, nameZh: ind.category, nameEn: ind.category, indicators: [] };
      groups.push(g);
      byName.set(ind.category, g);
    }
    g.indicators.push(ind);
  }
  for (const g of groups) g.indicators.sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
  return groups.filter((g) => g.indicators.length > 0);
}

export interface PointsChoice {
  /** Only one value allowed. */
  fixed: boolean;
  /** +1 for awards, -1 for deductions. */
  sign: 1 | -1;
  /** Magnitudes (always ≥ 0): the form picks a magnitude, the sign comes from the indicator. */
  minMagnitude: number;
  maxMagnitude: number;
}

/** Accepts signed ranges (−5…−5) and, defensively, ranges written by magnitude (5…10 with sign −1). */
export function pointsChoice(ind: Pick<IndicatorDto, 'sign' | 'pointsMin' | 'pointsMax'>): PointsChoice {
  const a = Math.abs(ind.pointsMin);
  const b = Math.abs(ind.pointsMax);
  const minMagnitude = Math.min(a, b);
  const maxMagnitude = Math.max(a, b);
  return { fixed: minMagnitude === maxMagnitude, sign: ind.sign < 0 ? -1 : 1, minMagnitude, maxMagnitude };
}

export function isDeduction(ind: Pick<IndicatorDto, 'sign'>): boolean {
  return ind.sign < 0;
}

/** Today's date on the phone, as 'YYYY-MM-DD' (local calendar, not UTC). */
export function localDate(d: Date = new Date()): string {
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

export function formatPoints(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}
