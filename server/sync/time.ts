// Time rules of pushed mutations (sync.md "Clock skew"). Device times are advisory; only times
// too far in the future are refused, since they would sort wrongly and hint at a wrong clock.
import { MAX_FUTURE_SKEW_MS } from '../../shared/protocol/sync';

/** China has one time zone (UTC+8) and no daylight saving; occurred-on dates are village dates. */
const CHINA_OFFSET_MS = 8 * 3600_000;

export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

// A batch checks the same few dates hundreds of times; both answers are pure, so remember them.
const realDates = new Map<string, boolean>();
let latest = { nowMs: NaN, date: '' };

/** A real calendar date ('2025-02-30' passes the schema's pattern but is not one). */
export function isRealDate(ymd: string): boolean {
  let real = realDates.get(ymd);
  if (real === undefined) {
    const t = Date.parse(`${ymd}T00:00:00Z`);
    real = !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === ymd;
    if (realDates.size >= 10_000) realDates.clear();
    realDates.set(ymd, real);
  }
  return real;
}

/** An occurred-on date after today in China, allowing the same skew as device timestamps. */
export function isFutureDate(ymd: string, serverNowMs: number): boolean {
  if (latest.nowMs !== serverNowMs) latest = { nowMs: serverNowMs, date: chinaDate(serverNowMs + MAX_FUTURE_SKEW_MS) };
  return ymd > latest.date;
}
