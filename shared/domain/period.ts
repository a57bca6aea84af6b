// Calendar periods that indicator caps are counted in ("≤ 12 times a month", "once a quarter").
// Periods follow the calendar on the entry's occurred-on date (a plain 'YYYY-MM-DD', no time
// zone), so phone and server always agree which period an entry belongs to.

export const CAP_PERIODS = ['month', 'quarter', 'half_year', 'year'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

export function isCapPeriod(value: unknown): value is CapPeriod {
  return typeof value === 'string' && (CAP_PERIODS as readonly string[]).includes(value);
}

function parseYmd(date: string): { y: number; m: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const m = Number(match[2]);
  if (m < 1 || m > 12) throw new RangeError(`month out of range in ${date}`);
  return { y: Number(match[1]), m };
}

/** First and last month (1–12) of the period containing month m. */
function monthSpan(period: CapPeriod, m: number): [number, number] {
  switch (period) {
    case 'month': return [m, m];
    case 'quarter': { const q = Math.floor((m - 1) / 3); return [q * 3 + 1, q * 3 + 3]; }
    case 'half_year': return m <= 6 ? [1, 6] : [7, 12];
    case 'year': return [1, 12];
  }
}

/**
 * A stable key for the period containing `date`: '2025-03', '2025-Q1', '2025-H1', '2025'.
 * Null when the indicator has no cap period (nothing to count).
 */
export function periodKey(capPeriod: CapPeriod | null, date: string): string | null {
  if (capPeriod === null) return null;
  const { y, m } = parseYmd(date);
  const yyyy = String(y).padStart(4, '0');
  switch (capPeriod) {
    case 'month': return `${yyyy}-${String(m).padStart(2, '0')}`;
    case 'quarter': return `${yyyy}-Q${Math.floor((m - 1) / 3) + 1}`;
    case 'half_year': return `${yyyy}-H${m <= 6 ? 1 : 2}`;
    case 'year': return yyyy;
  }
}

/**
 * Inclusive first and last day of the period containing `date`, for a range query such as
 * `occurred_on BETWEEN from AND to` when counting existing entries against a cap.
 */
export function periodBounds(capPeriod: CapPeriod, date: string): { from: string; to: string } {
  const { y, m } = parseYmd(date);
  const [first, last] = monthSpan(capPeriod, m);
  // Day 0 of the next month is the last day of this one; UTC avoids any DST shift.
  const lastDay = new Date(Date.UTC(y, last, 0)).getUTCDate();
  const yyyy = String(y).padStart(4, '0');
  const mm = (n: number) => String(n).padStart(2, '0');
  return { from: `${yyyy}-${mm(first)}-01`, to: `${yyyy}-${mm(last)}-${mm(lastDay)}` };
}
