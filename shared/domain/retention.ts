// Guardrail 8 (retention of moral entries): a negative entry stops counting 12 months after it
// happened (shared/domain/tally.ts, deductionCutoff) and is anonymised three years after it
// happened: its note, the notes of its earlier versions and its photo links are removed; the fact
// (household, indicator, date, points, state, the events) is kept. Pure; the retention job
// (server/jobs/retention.ts) applies it.

/** Years after which a negative moral entry is anonymised. */
export const DEDUCTION_ANONYMISE_YEARS = 3;

/**
 * Last occurred-on day ('YYYY-MM-DD') that is anonymised when seen on `today`: entries that
 * happened on or before it are three years old or more (29 Feb counts from 28 Feb).
 */
export function anonymiseCutoff(today: string): string {
  const y = Number(today.slice(0, 4)) - DEDUCTION_ANONYMISE_YEARS;
  const md = today.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
}

/** True when a moral entry with these points, seen on `today`, must be anonymised. */
export const mustAnonymise = (e: { points: number; occurredOn: string }, today: string) =>
  e.points < 0 && e.occurredOn <= anonymiseCutoff(today);
