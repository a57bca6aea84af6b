// Calendar arithmetic for seed data. Villages live on China time (UTC+8, no DST): an entry's
// occurred-on date is a China calendar day, stored times are UTC ISO strings.

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
const CHINA_OFFSET = 8 * HOUR;

/** The demo's "today": entries run up to the day before, notices are still open on it. */
export const DEMO_ANCHOR_DAY = '2026-11-28';

/** Milliseconds of `day` ('YYYY-MM-DD') at `hour` o'clock China time. */
export function chinaMs(day: string, hour = 0): number {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d) + hour * HOUR - CHINA_OFFSET;
}

// Date formatting dominates a big seed's CPU time if done with Date#toISOString for each of tens
// of millions of timestamps, so calendar days are cached and the clock part is built by hand.
const dayNames = new Map<number, string>();
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** 'YYYY-MM-DD' of the UTC day containing ms. */
function utcDay(ms: number): string {
  const n = Math.floor(ms / DAY);
  let s = dayNames.get(n);
  if (s === undefined) {
    s = new Date(n * DAY).toISOString().slice(0, 10);
    dayNames.set(n, s);
  }
  return s;
}

/** China calendar day of an instant. */
export function chinaDay(ms: number): string {
  return utcDay(ms + CHINA_OFFSET);
}

export function addDays(day: string, n: number): string {
  return chinaDay(chinaMs(day) + n * DAY);
}

/** Same output as `new Date(ms).toISOString()` (for years 1970–9999), several times faster. */
export function iso(ms: number): string {
  const r = ms - Math.floor(ms / DAY) * DAY;
  const h = Math.floor(r / HOUR);
  const m = Math.floor((r % HOUR) / 60_000);
  const sec = Math.floor((r % 60_000) / 1000);
  const milli = r % 1000;
  return `${utcDay(ms)}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * The seed's "now" (start of `anchorDay`, China time). Seeds are written against a fixed day so
 * they are the same on every run; if the real clock is earlier (a test clock, a machine with a
 * wrong date) the whole timeline moves back by whole days so nothing lands in the future.
 */
export function resolveAnchor(anchorDay: string, now: Date): { anchorMs: number; shiftDays: number } {
  const fixed = chinaMs(anchorDay);
  const today = chinaMs(chinaDay(now.getTime()));
  if (today >= fixed) return { anchorMs: fixed, shiftDays: 0 };
  return { anchorMs: today, shiftDays: Math.round((today - fixed) / DAY) };
}

/**
 * When the committee posts public notices: every `everyDays` days, the last one `lastDaysAgo`
 * days before the anchor, so the latest window is still open and earlier ones have closed.
 * Ascending; none before `from`.
 */
export function noticePostings(fromMs: number, anchorMs: number, everyDays = 14, lastDaysAgo = 4): number[] {
  const out: number[] = [];
  for (let t = anchorMs - lastDaysAgo * DAY + 9 * HOUR; t > fromMs + 3 * DAY; t -= everyDays * DAY) out.push(t);
  return out.reverse();
}
