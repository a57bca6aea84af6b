// Period closures and their frozen snapshots (migration 0006): standings, stars and the public
// board of each village as they stood when a period closed.
import type { Queryable } from './queryable';

export interface VillageCadenceRow { villageId: string; villageName: string; townshipCadence: string; villageCadence: string | null; basePoints: number }

export async function listVillagesWithCadence(db: Queryable, afterId: string, limit: number): Promise<VillageCadenceRow[]> {
  const rows = await db.selectFrom('villages').innerJoin('townships', 'townships.id', 'villages.township_id')
    .select(['villages.id', 'villages.name', 'villages.cadence as village_cadence', 'townships.cadence as township_cadence', 'townships.base_points'])
    .where('villages.id', '>', afterId).orderBy('villages.id').limit(limit).execute();
  return rows.map((r) => ({ villageId: r.id, villageName: r.name, townshipCadence: r.township_cadence, villageCadence: r.village_cadence, basePoints: r.base_points }));
}

export async function isPeriodClosed(db: Queryable, villageId: string, periodKey: string): Promise<boolean> {
  return (await db.selectFrom('period_closures').select('village_id').where('village_id', '=', villageId).where('period_key', '=', periodKey).executeTakeFirst()) !== undefined;
}

/** Effective points per household of a village in [from, to] (entries_village_state, in the background). */
export async function sumEffectiveByHousehold(db: Queryable, villageId: string, from: string, to: string): Promise<{ householdId: string; points: number; maxDeduction: number }[]> {
  const rows = await db.selectFrom('entries')
    .select((eb) => ['household_id', eb.fn.sum<number>('points').as('points'), eb.fn.min<number>('points').as('min_points')])
    .where('village_id', '=', villageId).where('state', '=', 'effective')
    .where('occurred_on', '>=', from).where('occurred_on', '<=', to)
    .groupBy('household_id').execute();
  return rows.map((r) => ({ householdId: r.household_id, points: Number(r.points), maxDeduction: Math.max(0, -Number(r.min_points)) }));
}

/** Households of a village with their board consent and whether the head is a minor (guardrail 5). */
export async function listBoardCandidates(db: Queryable, villageId: string): Promise<{ id: string; consent: boolean; headIsMinor: boolean }[]> {
  const households = await db.selectFrom('households').select(['id', 'consent_public']).where('village_id', '=', villageId).where('deleted', '=', 0).execute();
  const minorHeads = new Set((await db.selectFrom('persons').select('household_id')
    .where('village_id', '=', villageId).where('relation', '=', '户主').where('is_minor', '=', 1).where('deleted', '=', 0).execute()).map((r) => r.household_id));
  return households.map((h) => ({ id: h.id, consent: h.consent_public === 1, headIsMinor: minorHeads.has(h.id) }));
}

export async function writePeriodSnapshot(db: Queryable, s: {
  villageId: string; periodKey: string; cadence: string; at: string;
  rows: readonly { householdId: string; standing: number; stars: number; onBoard: boolean }[];
}): Promise<void> {
  await db.insertInto('period_closures').values({ village_id: s.villageId, period_key: s.periodKey, cadence: s.cadence, closed_at: s.at }).execute();
  for (let i = 0; i < s.rows.length; i += 300) {
    await db.insertInto('period_snapshots').values(s.rows.slice(i, i + 300).map((r) => ({
      village_id: s.villageId, period_key: s.periodKey, household_id: r.householdId, standing: r.standing, stars: r.stars, on_board: r.onBoard ? 1 : 0,
    }))).execute();
  }
}

export interface BoardRow { householdId: string; householdNo: string; headName: string; stars: number }

/** The frozen public board of a closed period: honours only, consenting adult-headed households (guardrails 4, 5). */
export async function listBoard(db: Queryable, villageId: string, periodKey: string): Promise<BoardRow[]> {
  const rows = await db.selectFrom('period_snapshots').innerJoin('households', 'households.id', 'period_snapshots.household_id')
    .select(['period_snapshots.household_id', 'households.household_no', 'households.head_name', 'period_snapshots.stars'])
    .where('period_snapshots.village_id', '=', villageId).where('period_snapshots.period_key', '=', periodKey).where('period_snapshots.on_board', '=', 1)
    .orderBy('period_snapshots.stars', 'desc').orderBy('households.household_no').execute();
  return rows.map((r) => ({ householdId: r.household_id, householdNo: r.household_no, headName: r.head_name, stars: r.stars }));
}

export async function listClosedPeriods(db: Queryable, villageId: string): Promise<{ periodKey: string; cadence: string; closedAt: string }[]> {
  const rows = await db.selectFrom('period_closures').selectAll().where('village_id', '=', villageId).orderBy('closed_at', 'desc').limit(60).execute();
  return rows.map((r) => ({ periodKey: r.period_key, cadence: r.cadence, closedAt: r.closed_at }));
}

/** The frozen standings and stars of every household of a closed period (payout lists, issue 8). */
export async function listPeriodStandings(db: Queryable, villageId: string, periodKey: string): Promise<{ householdId: string; standing: number; stars: number }[]> {
  const rows = await db.selectFrom('period_snapshots').select(['household_id', 'standing', 'stars'])
    .where('village_id', '=', villageId).where('period_key', '=', periodKey).execute();
  return rows.map((r) => ({ householdId: r.household_id, standing: r.standing, stars: r.stars }));
}

/** Which of these villages have closed `periodKey`. */
export async function villagesWithClosedPeriod(db: Queryable, villageIds: readonly string[], periodKey: string): Promise<Set<string>> {
  if (villageIds.length === 0) return new Set();
  const rows = await db.selectFrom('period_closures').select('village_id').where('village_id', 'in', [...villageIds]).where('period_key', '=', periodKey).execute();
  return new Set(rows.map((r) => r.village_id));
}
