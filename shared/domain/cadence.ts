// Cadence of appraisal and public notice per township (or village): monthly, quarterly or yearly.
// Period boundaries come from period.ts, so phone, server and the frozen snapshots agree.
import { periodBounds, periodKey } from './period';

export const CADENCES = ['month', 'quarter', 'year'] as const;
export type Cadence = (typeof CADENCES)[number];
export const CADENCE_LABELS: Record<Cadence, string> = { month: '按月', quarter: '按季度', year: '按年' };

export const isCadence = (v: unknown): v is Cadence => typeof v === 'string' && (CADENCES as readonly string[]).includes(v);

/** The village's own cadence when set, else the township's. */
export const effectiveCadence = (township: string, village: string | null): Cadence =>
  isCadence(village) ? village : isCadence(township) ? township : 'month';

export interface Period { key: string; from: string; to: string }

export function periodOf(cadence: Cadence, date: string): Period {
  const b = periodBounds(cadence, date);
  return { key: periodKey(cadence, date)!, ...b };
}

/** The last period that has ended by `today` (the one a snapshot freezes). */
export function lastClosedPeriod(cadence: Cadence, today: string): Period {
  const current = periodOf(cadence, today);
  const dayBefore = new Date(Date.parse(`${current.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return periodOf(cadence, dayBefore);
}
