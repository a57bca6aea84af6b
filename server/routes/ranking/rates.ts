// Per-village rates for the township from kept tallies: one kept row per village (its counters and
// its ranking figures, server/repositories/tallies.ts), and a pure function of what was read, so it
// can be tested without a database. A village whose figures are not kept for this view — figures
// not computed yet (a database from before migration 0024, until the catch-up fills them in), kept
// with another base standing, a past year whose deductions may have dropped out since, or no kept
// row for the year — has them computed from its household tallies, the same function the writer uses.
import type { VillageDto } from '../../../shared/protocol/tables';
import type { Queryable } from '../../repositories/queryable';
import { countHouseholdsByVillage, listVillageTallies, type VillageTallyRow } from '../../repositories/tallies';
import { tallyStandings } from '../standings';
import { rankVillageRates, star3Households, villageFigures, type RankingMetric, type VillageFigures, type VillageRates } from '../../../shared/domain/ranking';
import { dayNumber, deductionCutoff } from '../../../shared/domain/tally';

export function villageRates(input: {
  villages: readonly VillageDto[]; tallies: ReadonlyMap<string, VillageTallyRow>; figures: ReadonlyMap<string, VillageFigures>; today: string;
}): VillageRates[] {
  const todayDay = dayNumber(`${input.today}T00:00:00.000Z`);
  return input.villages.map((v): VillageRates => {
    const f = input.figures.get(v.id);
    const n = f?.households ?? 0;
    const t = input.tallies.get(v.id);
    const share = (a: number, b: number) => (b === 0 ? 0 : a / b);
    return {
      villageId: v.id, villageName: v.name, households: n,
      participationRate: share(t?.participatingHouseholds ?? 0, n),
      medianStanding: f?.medianStanding ?? null,
      star3Share: share(f ? star3Households(f) : 0, n),
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

/**
 * The villages' figures computed from their household tallies (one row per household), seen on
 * `today`: households without a kept row stand at the base; deductions that dropped out are left out.
 */
export async function computeVillageFigures(db: Queryable, villageIds: readonly string[], year: number, base: number, today: string): Promise<Map<string, VillageFigures>> {
  const out = new Map<string, VillageFigures>();
  if (villageIds.length === 0) return out;
  const [households, standings] = await Promise.all([countHouseholdsByVillage(db, villageIds), tallyStandings(db, villageIds, year, base, today)]);
  const byVillage = new Map<string, { standing: number; stars: 1 | 2 | 3 | 4 | 5 }[]>();
  for (const s of standings.values()) {
    const list = byVillage.get(s.villageId);
    if (list) list.push(s); else byVillage.set(s.villageId, [s]);
  }
  for (const id of villageIds) out.set(id, villageFigures(base, households.get(id) ?? 0, byVillage.get(id) ?? []));
  return out;
}

/**
 * What the ranking, its charts and its exports read: the villages' rates of a year, ranked by a
 * metric, and each village's figures. `keptFigures: false` computes every village's figures from
 * its household tallies (the property test compares the two).
 */
export async function townshipRanking(db: Queryable, input: {
  villages: readonly VillageDto[]; year: number; base: number; today: string; metric: RankingMetric; keptFigures?: boolean;
}) {
  const ids = input.villages.map((v) => v.id);
  const tallies = await listVillageTallies(db, ids, input.year);
  // Kept figures leave no deduction out: they hold while none of the year's can have dropped out.
  const keptHold = input.keptFigures !== false && deductionCutoff(input.today) < `${input.year}-01-01`;
  const figures = new Map<string, VillageFigures>();
  for (const [id, t] of tallies) {
    if (keptHold && t.figures && t.figures.base === input.base) figures.set(id, t.figures);
  }
  const computed = await computeVillageFigures(db, ids.filter((id) => !figures.has(id)), input.year, input.base, input.today);
  for (const [id, f] of computed) figures.set(id, f);
  const rates = villageRates({ villages: input.villages, tallies, figures, today: input.today });
  return { ...rankVillageRates(rates, input.metric), tallies, figures };
}
