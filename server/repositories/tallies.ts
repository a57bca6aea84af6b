// Kept tallies (migration 0006): per household and year, per village and year, per village and
// month, and effective deductions per household and day (what drops out after 12 months).
//
// ONE writer: applyTallyDelta, called in the same transaction as every change that makes an
// entry count or stop counting (repositories/entry-events.ts transitionEntries — review, notices,
// settlement — and the sync push's entry writes, server/sync/entry-writes.ts). A recomputation from
// the ledger (recomputeVillageTallies) must give the same rows; server/tallies/tallies.test.ts
// checks that over random histories on both databases.
//
// Locking (PostgreSQL): a delta locks its villages' rows first (the same row the village's change
// counter, server/db/changes.ts, locks), and so does a recomputation, so the two never interleave.
//
// Ranking figures (migration 0024): a village's median standing and its households per star
// level are not sums, so no delta can keep them. Whenever a village's household tallies of a year
// change (applyTallyDelta, a recomputation) or the village gains a household (applyHouseholdsAdded),
// the writer recomputes that village's figures from its household tallies, in the same
// transaction and under the same lock: one village's few hundred rows, read through
// tally_households' (village_id, year) index, never the ledger. The township's ranking then reads
// one row per village.
import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from './queryable';
import { supportsRowLocks } from './locks';
import type { EntryState } from '../../shared/domain/entry-state';
import {
  contributionDelta, eventCounts, standingWithStars, type Contribution, type EventCounts, type TallyEntry,
} from '../../shared/domain/tally';
import { villageFigures, type VillageFigures } from '../../shared/domain/ranking';

export interface TallyChange {
  entry: TallyEntry;
  from: EntryState | null;
  to: EntryState | null;
  /** When the change happened (ISO). */
  at: string;
  /** Publicizing: when the entry was approved (its updated_at before the change). */
  approvedAt?: string | null;
  /** A recomputation states where an entry stands, not an event: it counts events apart. */
  stateOnly?: boolean;
}

type HouseholdCounters = Omit<Contribution, 'awaitingReview' | 'awaitingCreatedDays'>;
interface VillageCounters {
  pointsIssued: number; deductionPoints: number; liveEntries: number; effectiveEntries: number;
  participatingHouseholds: number; awaitingReview: number; awaitingCreatedDays: number;
  publicized: number; publicizedOnTime: number; objected: number;
}
interface MonthCounters { pointsIssued: number; deductionPoints: number; liveEntries: number; effectiveEntries: number }

const NO_EVENTS: EventCounts = { publicized: 0, publicizedOnTime: 0, objected: 0 };
const yearOf = (date: string) => Number(date.slice(0, 4));
const nonZero = (o: object) => Object.values(o).some((v) => v !== 0);
const CHUNK = 300;

/**
 * `SET c = <table>.c + excluded.c` for each counter column: the ON CONFLICT part of an upsert that
 * adds the inserted deltas to the kept counters.
 */
function addExcluded<C extends string>(table: string, columns: readonly C[]): Record<C, RawBuilder<number>> {
  return Object.fromEntries(columns.map((c) => [c, sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as Record<C, RawBuilder<number>>;
}

function add<T extends object>(map: Map<string, T>, key: string, zero: () => T, delta: Partial<Record<keyof T, number>>): void {
  let cur = map.get(key);
  if (!cur) { cur = zero(); map.set(key, cur); }
  const rec = cur as Record<keyof T, number>;
  for (const k of Object.keys(delta) as (keyof T)[]) rec[k] += delta[k] ?? 0;
}

const zeroVillage = (): VillageCounters => ({
  pointsIssued: 0, deductionPoints: 0, liveEntries: 0, effectiveEntries: 0, participatingHouseholds: 0,
  awaitingReview: 0, awaitingCreatedDays: 0, publicized: 0, publicizedOnTime: 0, objected: 0,
});
const zeroMonth = (): MonthCounters => ({ pointsIssued: 0, deductionPoints: 0, liveEntries: 0, effectiveEntries: 0 });
const zeroHousehold = (): HouseholdCounters & { villageId: string } => ({
  villageId: '', effectivePoints: 0, positivePoints: 0, deductionPoints: 0, bigDeductions: 0, effectiveEntries: 0,
  liveEntries: 0, participatingEntries: 0, pendingPoints: 0,
});

/**
 * Locks the villages' rows (PostgreSQL) in id order; SQLite's write lock already excludes others.
 * FOR NO KEY UPDATE, like the change counter's UPDATE: a plain FOR UPDATE would also wait for the
 * KEY SHARE locks that inserting an entry (its foreign key to the village) takes, and deadlock
 * with a push that inserts entries and then counts its changes.
 */
export async function lockVillagesForTally(trx: Queryable, villageIds: readonly string[]): Promise<void> {
  if (!supportsRowLocks(trx) || villageIds.length === 0) return;
  await trx.selectFrom('villages').select('id').where('id', 'in', [...new Set(villageIds)].sort()).orderBy('id').forNoKeyUpdate().execute();
}

/**
 * Adds the effect of entry state changes to the kept tallies, in the caller's transaction.
 * Changes of one entry may be passed in order (null → submitted → withdrawn); they add up.
 */
export async function applyTallyDelta(trx: Queryable, changes: readonly TallyChange[]): Promise<void> {
  await applyDelta(trx, changes, true);
}

async function applyDelta(trx: Queryable, changes: readonly TallyChange[], withFigures: boolean): Promise<void> {
  const households = new Map<string, HouseholdCounters & { villageId: string }>();
  const villages = new Map<string, VillageCounters>();
  const months = new Map<string, MonthCounters & { villageId: string; month: string }>();
  const deductions = new Map<string, { villageId: string; points: number; bigCount: number }>();
  for (const ch of changes) {
    const e = ch.entry;
    const d = contributionDelta(e, ch.from, ch.to);
    const ev: EventCounts = ch.stateOnly ? NO_EVENTS : eventCounts(ch.to, ch.at, ch.approvedAt ?? null);
    const year = yearOf(e.occurredOn);
    const { awaitingReview, awaitingCreatedDays, ...hh } = d;
    add(households, `${e.householdId}|${year}`, zeroHousehold, hh);
    households.get(`${e.householdId}|${year}`)!.villageId = e.villageId;
    add(villages, `${e.villageId}|${year}`, zeroVillage, {
      pointsIssued: d.positivePoints, deductionPoints: d.deductionPoints, liveEntries: d.liveEntries, effectiveEntries: d.effectiveEntries,
      awaitingReview, awaitingCreatedDays, publicized: ev.publicized, publicizedOnTime: ev.publicizedOnTime, objected: ev.objected,
    });
    const month = e.occurredOn.slice(0, 7);
    add(months, `${e.villageId}|${month}`, () => ({ ...zeroMonth(), villageId: e.villageId, month }), {
      pointsIssued: d.positivePoints, deductionPoints: d.deductionPoints, liveEntries: d.liveEntries, effectiveEntries: d.effectiveEntries,
    });
    if (d.deductionPoints !== 0) {
      add(deductions, `${e.householdId}|${e.occurredOn}`, () => ({ villageId: e.villageId, points: 0, bigCount: 0 }), { points: d.deductionPoints, bigCount: d.bigDeductions });
    }
  }
  const hhRows = [...households].filter(([, v]) => nonZero({ ...v, villageId: 0 }));
  if (hhRows.length === 0 && ![...villages.values()].some(nonZero)) return;
  await lockVillagesForTally(trx, [...villages.keys()].map((k) => k.split('|')[0]));

  // Households first: whether a household starts or stops participating decides the village's count.
  for (let i = 0; i < hhRows.length; i += CHUNK) {
    const chunk = hhRows.slice(i, i + CHUNK);
    const returned = await trx.insertInto('tally_households')
      .values(chunk.map(([key, v]) => {
        const [householdId, year] = key.split('|');
        return {
          household_id: householdId, year: Number(year), village_id: v.villageId,
          effective_points: v.effectivePoints, positive_points: v.positivePoints, deduction_points: v.deductionPoints,
          big_deductions: v.bigDeductions, effective_entries: v.effectiveEntries, live_entries: v.liveEntries,
          participating_entries: v.participatingEntries, pending_points: v.pendingPoints,
        };
      }))
      .onConflict((oc) => oc.columns(['household_id', 'year']).doUpdateSet(addExcluded('tally_households', [
        'effective_points', 'positive_points', 'deduction_points', 'big_deductions', 'effective_entries', 'live_entries', 'participating_entries', 'pending_points',
      ])))
      .returning(['household_id', 'year', 'participating_entries'])
      .execute();
    for (const r of returned) {
      const v = households.get(`${r.household_id}|${r.year}`)!;
      const after = Number(r.participating_entries);
      const before = after - v.participatingEntries;
      const change = (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
      if (change !== 0) add(villages, `${v.villageId}|${r.year}`, zeroVillage, { participatingHouseholds: change });
    }
  }

  // The figures (median standing, households per star level) depend on each household's standing
  // and star level only: effective points and big deductions. A change that moves neither (a new
  // entry awaiting review: pending points, live entries) leaves them as they are, unless the
  // village's row of that year is new and has none yet.
  const figureYears = new Set<string>();
  for (const [key, v] of hhRows) if (v.effectivePoints !== 0 || v.bigDeductions !== 0) figureYears.add(`${v.villageId}|${key.split('|')[1]}`);

  const vRows = [...villages].filter(([, v]) => nonZero(v));
  for (let i = 0; i < vRows.length; i += CHUNK) {
    const kept = await trx.insertInto('tally_villages')
      .values(vRows.slice(i, i + CHUNK).map(([key, v]) => {
        const [villageId, year] = key.split('|');
        return {
          village_id: villageId, year: Number(year), points_issued: v.pointsIssued, deduction_points: v.deductionPoints,
          live_entries: v.liveEntries, effective_entries: v.effectiveEntries, participating_households: v.participatingHouseholds,
          awaiting_review: v.awaitingReview, awaiting_created_days: v.awaitingCreatedDays, publicized_entries: v.publicized,
          publicized_on_time: v.publicizedOnTime, objected_entries: v.objected,
        };
      }))
      .onConflict((oc) => oc.columns(['village_id', 'year']).doUpdateSet(addExcluded('tally_villages', [
        'points_issued', 'deduction_points', 'live_entries', 'effective_entries', 'participating_households', 'awaiting_review', 'awaiting_created_days', 'publicized_entries', 'publicized_on_time', 'objected_entries',
      ])))
      .returning(['village_id', 'year', 'figures_base'])
      .execute();
    for (const r of kept) if (r.figures_base === null) figureYears.add(`${r.village_id}|${r.year}`);
  }

  const mRows = [...months.values()].filter((m) => nonZero({ ...m, villageId: 0, month: 0 }));
  for (let i = 0; i < mRows.length; i += CHUNK) {
    await trx.insertInto('tally_village_months')
      .values(mRows.slice(i, i + CHUNK).map((m) => ({
        village_id: m.villageId, month: m.month, points_issued: m.pointsIssued, deduction_points: m.deductionPoints,
        live_entries: m.liveEntries, effective_entries: m.effectiveEntries,
      })))
      .onConflict((oc) => oc.columns(['village_id', 'month']).doUpdateSet(addExcluded('tally_village_months', [
        'points_issued', 'deduction_points', 'live_entries', 'effective_entries',
      ])))
      .execute();
  }

  const dRows = [...deductions];
  for (let i = 0; i < dRows.length; i += CHUNK) {
    await trx.insertInto('tally_deductions')
      .values(dRows.slice(i, i + CHUNK).map(([key, v]) => {
        const [householdId, occurredOn] = key.split('|');
        return { household_id: householdId, occurred_on: occurredOn, village_id: v.villageId, points: v.points, big_count: v.bigCount };
      }))
      .onConflict((oc) => oc.columns(['household_id', 'occurred_on']).doUpdateSet(addExcluded('tally_deductions', [
        'points', 'big_count',
      ])))
      .execute();
  }

  if (!withFigures) return;
  const years = new Map<string, Set<number>>();
  for (const key of figureYears) {
    const [villageId, year] = key.split('|');
    const set = years.get(villageId);
    if (set) set.add(Number(year)); else years.set(villageId, new Set([Number(year)]));
  }
  for (const [villageId, ys] of years) await refreshFigures(trx, villageId, [...ys]);
}

// ---- ranking figures ------------------------------------------------------------------------

/**
 * The village gained households (a roster import, a phone's new household): every year's figures
 * count its households, so all of them are recomputed. In the caller's write transaction.
 */
export async function applyHouseholdsAdded(trx: Queryable, villageIds: readonly string[]): Promise<void> {
  const ids = [...new Set(villageIds)].sort();
  await lockVillagesForTally(trx, ids);
  for (const id of ids) await refreshFigures(trx, id, null);
}

/**
 * Recomputes the figures of the village's kept rows of those years (null: every year it has a row
 * for) from its household tallies, its live households and its township's base standing. A year
 * without a village row is left alone: readers compute its figures themselves.
 */
async function refreshFigures(trx: Queryable, villageId: string, years: readonly number[] | null): Promise<void> {
  const rowsOf = trx.selectFrom('tally_villages').select('year').where('village_id', '=', villageId);
  const wanted = years ?? (await rowsOf.execute()).map((r) => Number(r.year));
  if (wanted.length === 0) return;
  const village = await trx.selectFrom('villages').innerJoin('townships', 'townships.id', 'villages.township_id')
    .select('townships.base_points').where('villages.id', '=', villageId).executeTakeFirst();
  if (!village) return;
  const base = Number(village.base_points);
  const households = (await countHouseholdsByVillage(trx, [villageId])).get(villageId) ?? 0;
  const figures = computeFigures(base, households, await listHouseholdCounters(trx, villageId, wanted));
  for (const year of wanted) {
    const f = figures.get(year) ?? villageFigures(base, households, []);
    await trx.updateTable('tally_villages').set(figureColumns(base, f))
      .where('village_id', '=', villageId).where('year', '=', year).execute();
  }
}

function figureColumns(base: number, f: VillageFigures) {
  return {
    figures_base: base, households: f.households, median_standing: f.medianStanding,
    stars1_households: f.stars[0], stars2_households: f.stars[1], stars3_households: f.stars[2],
    stars4_households: f.stars[3], stars5_households: f.stars[4],
  };
}

interface HouseholdCountersOfYear { year: number; effectivePoints: number; bigDeductions: number; pendingPoints: number }

/** The household tallies of one village in those years (through tally_households_village). */
async function listHouseholdCounters(db: Queryable, villageId: string, years: readonly number[]): Promise<HouseholdCountersOfYear[]> {
  const rows = await db.selectFrom('tally_households')
    .select(['year', 'effective_points', 'big_deductions', 'pending_points'])
    .where('village_id', '=', villageId).where('year', 'in', [...years])
    .execute();
  return rows.map((r) => ({ year: Number(r.year), effectivePoints: Number(r.effective_points), bigDeductions: Number(r.big_deductions), pendingPoints: Number(r.pending_points) }));
}

/** Figures per year, without the deductions that dropped out (those only change past years: readers of such a year compute their own). */
function computeFigures(base: number, households: number, rows: readonly HouseholdCountersOfYear[]): Map<number, VillageFigures> {
  const byYear = new Map<number, { standing: number; stars: 1 | 2 | 3 | 4 | 5 }[]>();
  for (const r of rows) {
    const s = standingWithStars(base, r, null);
    const list = byYear.get(r.year);
    if (list) list.push(s); else byYear.set(r.year, [s]);
  }
  return new Map([...byYear].map(([year, own]) => [year, villageFigures(base, households, own)]));
}

/** Villages with kept rows whose figures were never computed (rows from before migration 0024), a page at a time. */
export async function listVillagesWithoutFigures(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('tally_villages').select('village_id').distinct()
    .where('figures_base', 'is', null).orderBy('village_id').limit(limit).execute();
  return rows.map((r) => r.village_id);
}

/** Computes the figures of every kept row of the village (the catch-up), under the village's tally lock. */
export async function fillVillageFigures(trx: Queryable, villageId: string): Promise<void> {
  await lockVillagesForTally(trx, [villageId]);
  await refreshFigures(trx, villageId, null);
}

export interface TallyFacts extends TallyEntry { state: EntryState; updatedAt: string }

/** What applyTallyDelta needs of entries, by id (primary key lookups), optionally only those in a state. */
export async function loadTallyFacts(db: Queryable, ids: readonly string[], state?: EntryState): Promise<TallyFacts[]> {
  const out: TallyFacts[] = [];
  for (let i = 0; i < ids.length; i += 400) {
    let qb = db.selectFrom('entries')
      .select(['id', 'village_id', 'household_id', 'points', 'occurred_on', 'created_at', 'state', 'updated_at'])
      .where('id', 'in', ids.slice(i, i + 400));
    if (state) qb = qb.where('state', '=', state);
    for (const r of await qb.execute()) {
      out.push({
        id: r.id, villageId: r.village_id, householdId: r.household_id, points: r.points, occurredOn: r.occurred_on,
        createdAt: r.created_at, state: r.state as EntryState, updatedAt: r.updated_at,
      });
    }
  }
  return out;
}

/** The tally side of a state change of entries whose facts were loaded before the change. */
export async function applyTransitionTally(trx: Queryable, facts: readonly TallyFacts[], to: EntryState, at: string): Promise<void> {
  await applyTallyDelta(trx, facts.map((f) => ({ entry: f, from: f.state, to, at, approvedAt: f.state === 'approved' ? f.updatedAt : null })));
}

// ---- recomputation from the ledger ---------------------------------------------------------

/**
 * Rebuilds one village's tallies from its entries and their events (indexed by village and by
 * entry), replacing what was kept, and marks the village rebuilt. Runs in the caller's write
 * transaction; the background catch-up calls it one village per transaction.
 */
export async function recomputeVillageTallies(trx: Queryable, villageId: string, at: string): Promise<void> {
  await lockVillagesForTally(trx, [villageId]);
  for (const t of ['tally_households', 'tally_villages', 'tally_village_months', 'tally_deductions'] as const) {
    await trx.deleteFrom(t).where('village_id', '=', villageId).execute();
  }
  const entries = await trx.selectFrom('entries')
    .select(['id', 'household_id', 'points', 'occurred_on', 'created_at', 'state'])
    .where('village_id', '=', villageId)
    .execute();
  // Events that the counters of notices and objections count: through entry_events_entry.
  const events = await trx.selectFrom('entries')
    .innerJoin('entry_events', 'entry_events.entry_id', 'entries.id')
    .select(['entry_events.entry_id', 'entry_events.to_state', 'entry_events.from_state', 'entry_events.at', 'entry_events.id'])
    .where('entries.village_id', '=', villageId)
    .where('entry_events.to_state', 'in', ['approved', 'publicized', 'objected'])
    .execute();
  const byEntry = new Map<string, typeof events>();
  for (const ev of events) {
    const list = byEntry.get(ev.entry_id);
    if (list) list.push(ev); else byEntry.set(ev.entry_id, [ev]);
  }
  const changes: TallyChange[] = [];
  const counts = new Map<string, EventCounts>();
  for (const r of entries) {
    const entry: TallyEntry = { id: r.id, villageId, householdId: r.household_id, points: r.points, occurredOn: r.occurred_on, createdAt: r.created_at };
    changes.push({ entry, from: null, to: r.state as EntryState, at, stateOnly: true });
    // One count per event into 'publicized' / 'objected', as the incremental path counts them;
    // on time is measured from the approval before it (or the entry's arrival, without one).
    const evs = (byEntry.get(r.id) ?? []).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
    let approvedAt: string = r.created_at;
    for (const ev of evs) {
      if (ev.to_state === 'approved') { approvedAt = ev.at; continue; }
      const c = eventCounts(ev.to_state as EntryState, ev.at, approvedAt);
      const key = String(yearOf(r.occurred_on));
      const cur = counts.get(key) ?? { publicized: 0, publicizedOnTime: 0, objected: 0 };
      cur.publicized += c.publicized; cur.publicizedOnTime += c.publicizedOnTime; cur.objected += c.objected;
      counts.set(key, cur);
    }
  }
  await applyDelta(trx, changes, false);
  for (const [year, ev] of counts) {
    if (!nonZero(ev)) continue;
    await trx.insertInto('tally_villages')
      .values({ village_id: villageId, year: Number(year), publicized_entries: ev.publicized, publicized_on_time: ev.publicizedOnTime, objected_entries: ev.objected })
      .onConflict((oc) => oc.columns(['village_id', 'year']).doUpdateSet(addExcluded('tally_villages', [
        'publicized_entries', 'publicized_on_time', 'objected_entries',
      ])))
      .execute();
  }
  await refreshFigures(trx, villageId, null);
  await trx.insertInto('tally_rebuilt').values({ village_id: villageId, rebuilt_at: at })
    .onConflict((oc) => oc.column('village_id').doUpdateSet({ rebuilt_at: at })).execute();
}

/** Villages whose tallies were never rebuilt from the ledger (the catch-up's work list), a page at a time. */
export async function listVillagesToRebuild(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('villages')
    .leftJoin('tally_rebuilt', 'tally_rebuilt.village_id', 'villages.id')
    .select('villages.id')
    .where('tally_rebuilt.village_id', 'is', null)
    .orderBy('villages.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function countVillagesToRebuild(db: Queryable, villageIds: readonly string[]): Promise<number> {
  if (villageIds.length === 0) return 0;
  const row = await db.selectFrom('villages')
    .leftJoin('tally_rebuilt', 'tally_rebuilt.village_id', 'villages.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('villages.id', 'in', [...villageIds])
    .where('tally_rebuilt.village_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks a new village (no entries yet) as rebuilt, so the catch-up does not visit it. */
export async function markVillageRebuilt(db: Queryable, villageId: string, at: string): Promise<void> {
  await db.insertInto('tally_rebuilt').values({ village_id: villageId, rebuilt_at: at }).onConflict((oc) => oc.column('village_id').doNothing()).execute();
}

// ---- reads (all by village or household, through the tables' keys) -------------------------

export interface HouseholdTallyRow {
  householdId: string; villageId: string; effectivePoints: number; positivePoints: number; deductionPoints: number;
  bigDeductions: number; effectiveEntries: number; liveEntries: number; participatingEntries: number; pendingPoints: number;
}

export async function listHouseholdTallies(db: Queryable, villageIds: readonly string[], year: number): Promise<HouseholdTallyRow[]> {
  if (villageIds.length === 0) return [];
  const out: HouseholdTallyRow[] = [];
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('tally_households')
      .select(['household_id', 'village_id', 'effective_points', 'positive_points', 'deduction_points', 'big_deductions',
        'effective_entries', 'live_entries', 'participating_entries', 'pending_points'])
      .where('village_id', 'in', villageIds.slice(i, i + 400))
      .where('year', '=', year)
      .execute();
    for (const r of rows) {
      out.push({
        householdId: r.household_id, villageId: r.village_id, effectivePoints: r.effective_points, positivePoints: r.positive_points,
        deductionPoints: r.deduction_points, bigDeductions: r.big_deductions, effectiveEntries: r.effective_entries,
        liveEntries: r.live_entries, participatingEntries: r.participating_entries, pendingPoints: r.pending_points,
      });
    }
  }
  return out;
}

export async function findHouseholdTally(db: Queryable, householdId: string, year: number): Promise<HouseholdTallyRow | null> {
  const r = await db.selectFrom('tally_households').selectAll().where('household_id', '=', householdId).where('year', '=', year).executeTakeFirst();
  return r ? {
    householdId: r.household_id, villageId: r.village_id, effectivePoints: r.effective_points, positivePoints: r.positive_points,
    deductionPoints: r.deduction_points, bigDeductions: r.big_deductions, effectiveEntries: r.effective_entries,
    liveEntries: r.live_entries, participatingEntries: r.participating_entries, pendingPoints: r.pending_points,
  } : null;
}

/** Effective deductions of the year that have dropped out by `cutoff` (inclusive), per household. */
export async function listExpiredDeductions(db: Queryable, villageIds: readonly string[], year: number, cutoff: string): Promise<Map<string, { points: number; bigCount: number }>> {
  const out = new Map<string, { points: number; bigCount: number }>();
  const from = `${year}-01-01`;
  const to = cutoff < `${year}-12-31` ? cutoff : `${year}-12-31`;
  if (villageIds.length === 0 || to < from) return out;
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('tally_deductions')
      .select((eb) => ['household_id', eb.fn.sum<number>('points').as('points'), eb.fn.sum<number>('big_count').as('big')])
      .where('village_id', 'in', villageIds.slice(i, i + 400))
      .where('occurred_on', '>=', from)
      .where('occurred_on', '<=', to)
      .groupBy('household_id')
      .execute();
    for (const r of rows) out.set(r.household_id, { points: Number(r.points), bigCount: Number(r.big) });
  }
  return out;
}

export interface VillageTallyRow {
  villageId: string; pointsIssued: number; deductionPoints: number; liveEntries: number; effectiveEntries: number;
  participatingHouseholds: number; awaitingReview: number; awaitingCreatedDays: number;
  publicizedEntries: number; publicizedOnTime: number; objectedEntries: number;
  /** The kept ranking figures and the base standing they were computed with; null when not computed yet. */
  figures: (VillageFigures & { base: number }) | null;
}

export async function listVillageTallies(db: Queryable, villageIds: readonly string[], year: number): Promise<Map<string, VillageTallyRow>> {
  const out = new Map<string, VillageTallyRow>();
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('tally_villages').selectAll().where('village_id', 'in', villageIds.slice(i, i + 400)).where('year', '=', year).execute();
    for (const r of rows) {
      out.set(r.village_id, {
        villageId: r.village_id, pointsIssued: r.points_issued, deductionPoints: r.deduction_points, liveEntries: r.live_entries,
        effectiveEntries: r.effective_entries, participatingHouseholds: r.participating_households, awaitingReview: r.awaiting_review,
        awaitingCreatedDays: r.awaiting_created_days, publicizedEntries: r.publicized_entries, publicizedOnTime: r.publicized_on_time,
        objectedEntries: r.objected_entries,
        figures: r.figures_base === null || r.households === null ? null : {
          base: Number(r.figures_base), households: Number(r.households), medianStanding: r.median_standing === null ? null : Number(r.median_standing),
          stars: [Number(r.stars1_households), Number(r.stars2_households), Number(r.stars3_households), Number(r.stars4_households), Number(r.stars5_households)],
        },
      });
    }
  }
  return out;
}

/** Households per village (live ones), through households' (village_id, household_no) key. */
export async function countHouseholdsByVillage(db: Queryable, villageIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('households')
      .select((eb) => ['village_id', eb.fn.countAll<number>().as('n')])
      .where('village_id', 'in', villageIds.slice(i, i + 400))
      .where('deleted', '=', 0)
      .groupBy('village_id')
      .execute();
    for (const r of rows) out.set(r.village_id, Number(r.n));
  }
  return out;
}

/** Households of a village with more effective points in the year than `points` (rank = 1 + this). */
export async function countHouseholdsAbove(db: Queryable, villageId: string, year: number, points: number): Promise<number> {
  const row = await db.selectFrom('tally_households')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('village_id', '=', villageId).where('year', '=', year).where('effective_points', '>', points)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every kept row of a village, for comparing the incremental tallies with a recomputation (tests). */
export async function dumpVillageTallies(db: Queryable, villageId: string) {
  const order = sql`1, 2`;
  return {
    households: await db.selectFrom('tally_households').selectAll().where('village_id', '=', villageId).orderBy(order).execute(),
    villages: await db.selectFrom('tally_villages').selectAll().where('village_id', '=', villageId).orderBy(order).execute(),
    months: await db.selectFrom('tally_village_months').selectAll().where('village_id', '=', villageId).orderBy(order).execute(),
    deductions: await db.selectFrom('tally_deductions').selectAll().where('village_id', '=', villageId).orderBy(order).execute(),
  };
}


/** Households of a village with a kept row for the year. */
export async function countHouseholdTallyRows(db: Queryable, villageId: string, year: number): Promise<number> {
  const row = await db.selectFrom('tally_households').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('village_id', '=', villageId).where('year', '=', year).executeTakeFirstOrThrow();
  return Number(row.n);
}
