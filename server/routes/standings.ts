// Household standings of whole villages from the kept tallies (server/repositories/tallies.ts),
// never from the ledger: a village's list, the township's ranking and a household's rank read one
// row per household. The numbers are those of the shared rules (shared/domain/tally.ts,
// points.ts, stars.ts), so stars and ranks agree with the phone's offline preview.
import type { Queryable } from '../repositories/queryable';
import { listExpiredDeductions, listHouseholdTallies } from '../repositories/tallies';
import { deductionCutoff, standingWithStars } from '../../shared/domain/tally';
import { starLevel, type StarLevel } from '../../shared/domain/stars';

export interface HouseholdStanding {
  standing: number; pending: number; projected: number; stars: StarLevel;
  /** Entries of the year on the server, withdrawn ones left out. */
  entryCount: number;
  /** The household has an entry on its way to counting, or counting (participation). */
  participates: boolean;
  villageId: string;
}

/**
 * Standing of the villages' households that have tallies in the year, keyed by household id
 * (a household without a row stands at the base). Seen on `today`: deductions 12 months old or
 * more have dropped out (guardrail 3), which only changes past years.
 */
export async function tallyStandings(db: Queryable, villageIds: readonly string[], year: number, base: number, today: string): Promise<Map<string, HouseholdStanding>> {
  const cutoff = deductionCutoff(today);
  const [rows, expired] = await Promise.all([
    listHouseholdTallies(db, villageIds, year),
    cutoff >= `${year}-01-01` ? listExpiredDeductions(db, villageIds, year, cutoff) : Promise.resolve(new Map<string, { points: number; bigCount: number }>()),
  ]);
  const out = new Map<string, HouseholdStanding>();
  for (const r of rows) {
    const s = standingWithStars(base, r, expired.get(r.householdId) ?? null);
    out.set(r.householdId, {
      standing: s.standing, pending: s.pending, projected: s.projected, stars: s.stars,
      entryCount: r.liveEntries, participates: r.participatingEntries > 0, villageId: r.villageId,
    });
  }
  return out;
}

export function baseStanding(base: number, villageId = ''): HouseholdStanding {
  return { standing: base, pending: 0, projected: base, stars: starLevel(base, 0), entryCount: 0, participates: false, villageId };
}
