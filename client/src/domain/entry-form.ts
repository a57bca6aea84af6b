// Pure helpers of the entry form: indicator grouping, the points a collector may choose, dates.
import { INDICATOR_CATEGORIES } from '../../../shared/domain/catalog-default';
import type { IndicatorDto } from '../../../shared/protocol/tables';
import {
  CAP_COUNTED_STATES, checkCap, computeStanding, countTowardsCap, DEFAULT_BASE_POINTS,
} from '../../../shared/domain/points';
import { isCapPeriod } from '../../../shared/domain/period';
import { starLevel, type StarLevel } from '../../../shared/domain/stars';
import type { LocalEntryState } from '../../../shared/domain/entry-state';
import { localDate } from './local-date';

// In a module of their own (the drafts store, in the entry script, needs only these two).
export { localDate, pushRecent } from './local-date';

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


export function formatPoints(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

// ---- field-entry: search, preview while choosing, dates the Chinese way ----------------------


/** Most recent first, each code once, at most `n`; codes missing from the catalogue are dropped. */
export function recentIndicators(recentCodes: readonly string[], indicators: readonly IndicatorDto[], n = 4): IndicatorDto[] {
  const byCode = new Map(indicators.map((i) => [i.code, i]));
  const out: IndicatorDto[] = [];
  for (const code of recentCodes) {
    const ind = byCode.get(code);
    if (ind && !out.includes(ind)) out.push(ind);
    if (out.length >= n) break;
  }
  return out;
}


export interface PreviewEntry {
  id: string;
  householdId: string;
  personId: string | null;
  indicatorCode: string;
  occurredOn: string;
  points: number;
  state: LocalEntryState;
}

export interface EntryPreview {
  /** Entries of the subject that use up the cap in the period (null: the indicator has no cap). */
  cap: { used: number; count: number; period: string; reached: boolean } | null;
  /** Live entries of the same household, indicator and day (any recorder, synced or not). */
  duplicates: PreviewEntry[];
  before: { standing: number; stars: StarLevel };
  /** If this entry became effective (and nothing else changed). */
  after: { standing: number; stars: StarLevel };
}

/**
 * What the form shows while the collector chooses: the same shared rules the server applies on
 * push (checkCap, countTowardsCap) and that the household page uses (computeStanding, starLevel).
 */
export function previewEntry(input: {
  indicator: Pick<IndicatorDto, 'code' | 'capCount' | 'capPeriod' | 'subject'>;
  householdId: string;
  personId: string | null;
  occurredOn: string;
  points: number;
  entries: readonly PreviewEntry[];
  basePoints?: number;
}): EntryPreview {
  const { indicator: ind, entries } = input;
  const household = entries.filter((e) => e.householdId === input.householdId);
  let cap: EntryPreview['cap'] = null;
  if (ind.capCount !== null && isCapPeriod(ind.capPeriod)) {
    const subject = ind.subject === 'person' && input.personId ? household.filter((e) => e.personId === input.personId) : household;
    const used = countTowardsCap(subject, ind.code, ind.capPeriod, input.occurredOn);
    cap = { used, count: ind.capCount, period: ind.capPeriod, reached: checkCap(ind, used) !== null };
  }
  const duplicates = household.filter((e) => e.indicatorCode === ind.code && e.occurredOn === input.occurredOn
    && CAP_COUNTED_STATES.includes(e.state));
  const year = Number(input.occurredOn.slice(0, 4));
  const summary = computeStanding({ year, basePoints: input.basePoints ?? DEFAULT_BASE_POINTS, entries: household });
  const afterStanding = summary.standing + input.points;
  const afterMaxDeduction = Math.max(summary.maxDeduction, input.points < 0 ? -input.points : 0);
  return {
    cap,
    duplicates,
    before: { standing: summary.standing, stars: starLevel(summary.standing, summary.maxDeduction) },
    after: { standing: afterStanding, stars: starLevel(afterStanding, afterMaxDeduction) },
  };
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 'YYYY-MM-DD' → '2026年12月2日 星期三' (zh) or '2026-12-02 Wed' (en); never 12/02/2026. */
export function formatEntryDate(iso: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  if (locale === 'en') return `${iso} ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][wd]}`;
  return `${y}年${mo}月${d}日 星期${WEEKDAYS[wd]}`;
}

/** The local date `days` before `from` ('YYYY-MM-DD'). */
export function daysBefore(from: string, days: number): string {
  const [y, m, d] = from.split('-').map(Number);
  return localDate(new Date(y, m - 1, d - days));
}