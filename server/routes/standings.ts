// Household standings of whole villages, computed by the shared rules (the same functions the phone
// uses for its offline preview), so that stars and ranks agree everywhere.
import type { Queryable } from '../repositories/queryable';
import { listStandingRows, type StandingRow } from '../repositories/entries';
import { computeStanding, type StandingSummary } from '../../shared/domain/points';
import { starLevel, type StarLevel } from '../../shared/domain/stars';

export type HouseholdStanding = StandingSummary & {
  stars: StarLevel;
  /** Entries of the year on the server, withdrawn ones left out. */
  entryCount: number;
};

/** Standing of every given household for the year; households without entries get the base. */
export function standingsOf(householdIds: readonly string[], rows: readonly StandingRow[], year: number, basePoints: number): Map<string, HouseholdStanding> {
  const byHousehold = new Map<string, StandingRow[]>();
  for (const r of rows) {
    const list = byHousehold.get(r.householdId);
    if (list) list.push(r);
    else byHousehold.set(r.householdId, [r]);
  }
  const out = new Map<string, HouseholdStanding>();
  for (const id of householdIds) {
    const entries = byHousehold.get(id) ?? [];
    const s = computeStanding({ year, basePoints, entries });
    out.set(id, { ...s, stars: starLevel(s.standing, s.maxDeduction), entryCount: entries.filter((e) => e.state !== 'withdrawn').length });
  }
  return out;
}

export async function villageStandings(db: Queryable, villageId: string, householdIds: readonly string[], year: number, basePoints: number) {
  return standingsOf(householdIds, await listStandingRows(db, [villageId], year), year, basePoints);
}
