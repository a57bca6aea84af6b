// Display formatting shared by views (times, ages, rates).

/** 'YYYY-MM-DD HH:mm' in the phone's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export type AgeUnit = { key: 'justNow' } | { key: 'minutes' | 'hours' | 'days'; n: number };

/** A coarse age for "waiting for 3 hours". */
export function ageUnit(ms: number): AgeUnit {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return { key: 'justNow' };
  if (min < 60) return { key: 'minutes', n: min };
  const h = Math.floor(min / 60);
  if (h < 48) return { key: 'hours', n: h };
  return { key: 'days', n: Math.floor(h / 24) };
}

export function formatPercent(rate: number): string {
  if (!Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * '2025年6月15日' (with `withTime`: '2025年6月15日 10:00') in China time — the village's time,
 * whatever the printing computer says. A bare 'YYYY-MM-DD' is that day in China.
 */
export function formatChineseDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00+08:00` : iso);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日${withTime ? ` ${parts.hour}:${parts.minute}` : ''}`;
}
