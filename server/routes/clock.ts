// Calendar dates as the villages see them: China Standard Time (UTC+8, no daylight saving), so that
// an entry made at 07:00 on 1 January counts in the new year, not the old one.
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function chinaToday(now: Date): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

export function chinaYear(now: Date): number {
  return Number(chinaToday(now).slice(0, 4));
}
