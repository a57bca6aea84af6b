// Per-village rates for the township from kept tallies: a pure function of what the ranking route
// read, so it can be tested without a database.
import type { VillageDto } from '../../../shared/protocol/tables';
import type { Queryable } from '../../repositories/queryable';
import { countHouseholdsByVillage, listVillageTallies, type VillageTallyRow } from '../../repositories/tallies';
import { tallyStandings, type HouseholdStanding } from '../standings';
import { median, rankVillageRates, type RankingMetric, type VillageRates } from '../../../shared/domain/ranking';
import { PUBLIC_BOARD_MIN_STARS, starLevel } from '../../../shared/domain/stars';
import { dayNumber } from '../../../shared/domain/tally';

export function villageRates(input: {
  villages: readonly VillageDto[]; households: ReadonlyMap<string, number>; tallies: ReadonlyMap<string, VillageTallyRow>;
  standings: ReadonlyMap<string, HouseholdStanding>; base: number; today: string;
}): VillageRates[] {
  const byVillage = new Map<string, HouseholdStanding[]>();
  for (const s of input.standings.values()) {
    if (!s.villageId) continue;
    const list = byVillage.get(s.villageId);
    if (list) list.push(s); else byVillage.set(s.villageId, [s]);
  }
  const todayDay = dayNumber(`${input.today}T00:00:00.000Z`);
  const baseStars = starLevel(input.base, 0);
  return input.villages.map((v): VillageRates => {
    const n = input.households.get(v.id) ?? 0;
    const own = byVillage.get(v.id) ?? [];
    // Households without a kept row stand at the base.
    const missing = Math.max(0, n - own.length);
    const standings = [...own.map((s) => s.standing), ...new Array<number>(missing).fill(input.base)];
    const star3 = own.filter((s) => s.stars >= PUBLIC_BOARD_MIN_STARS).length + (baseStars >= PUBLIC_BOARD_MIN_STARS ? missing : 0);
    const t = input.tallies.get(v.id);
    const share = (a: number, b: number) => (b === 0 ? 0 : a / b);
    return {
      villageId: v.id, villageName: v.name, households: n,
      participationRate: share(t?.participatingHouseholds ?? 0, n),
      medianStanding: n === 0 ? null : median(standings),
      star3Share: share(star3, n),
      noticesOnTimeRate: t && t.publicizedEntries > 0 ? t.publicizedOnTime / t.publicizedEntries : null,
      objectionRate: t && t.publicizedEntries > 0 ? t.objectedEntries / t.publicizedEntries : null,
      pointsIssued: t?.pointsIssued ?? 0,
      entriesThisYear: t?.liveEntries ?? 0,
      effectiveEntries: t?.effectiveEntries ?? 0,
      pendingReview: t?.awaitingReview ?? 0,
      pendingReviewAgeDays: t && t.awaitingReview > 0 ? Math.max(0, Math.round((todayDay - t.awaitingCreatedDays / t.awaitingReview) * 10) / 10) : null,
    };
  });
}

/** What the ranking, its charts and its exports read: the villages' rates of a year, ranked by a metric. */
export async function townshipRanking(db: Queryable, input: { villages: readonly VillageDto[]; year: number; base: number; today: string; metric: RankingMetric }) {
  const ids = input.villages.map((v) => v.id);
  const [households, tallies, standings] = await Promise.all([
    countHouseholdsByVillage(db, ids), listVillageTallies(db, ids, input.year), tallyStandings(db, ids, input.year, input.base, input.today),
  ]);
  const rates = villageRates({ villages: input.villages, households, tallies, standings, base: input.base, today: input.today });
  return { ...rankVillageRates(rates, input.metric), households, tallies, standings };
}
