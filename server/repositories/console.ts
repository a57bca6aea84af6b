// SQL of the township console (issue 11): the monthly trend and the pages the exports read, the
// anomaly checks and the names shown beside the audit log. Exports read one village at a time in
// keyset pages (village, date, id), so a township's year is never in memory at once.
import type { Queryable } from './queryable';

export interface MonthRow { villageId: string; month: string; entries: number; points: number }

/** The kept monthly tallies of the villages for one year (tally_village_months, by its key). */
export async function listVillageMonths(db: Queryable, villageIds: readonly string[], year: number): Promise<MonthRow[]> {
  const out: MonthRow[] = [];
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('tally_village_months').select(['village_id', 'month', 'live_entries', 'points_issued'])
      .where('village_id', 'in', villageIds.slice(i, i + 400))
      .where('month', '>=', `${year}-01`).where('month', '<=', `${year}-12`)
      .orderBy('month').execute();
    for (const r of rows) out.push({ villageId: r.village_id, month: r.month, entries: Number(r.live_entries), points: Number(r.points_issued) });
  }
  return out;
}

/** Where the previous page of a keyset read ended. */
export interface PageKey { occurredOn: string; id: string }

export interface EntryExportRow {
  id: string; occurredOn: string; householdId: string; householdNo: string; headName: string; indicatorCode: string; indicatorName: string;
  points: number; state: string; recorderName: string; createdAt: string;
}

/** One page of a village's entries of a date range, in (date, id) order after `after`. */
export async function pageVillageEntries(db: Queryable, villageId: string, from: string, to: string, after: PageKey | null, limit: number): Promise<EntryExportRow[]> {
  let q = db.selectFrom('entries as e')
    .innerJoin('households as h', 'h.id', 'e.household_id')
    .leftJoin('indicators as i', (j) => j.onRef('i.catalog_version_id', '=', 'e.catalog_version_id').onRef('i.code', '=', 'e.indicator_code'))
    .leftJoin('users as u', 'u.id', 'e.recorder_id')
    .select(['e.id', 'e.occurred_on', 'e.household_id', 'h.household_no', 'h.head_name', 'e.indicator_code', 'i.name_zh', 'e.points', 'e.state', 'u.display_name', 'e.created_at'])
    .where('e.village_id', '=', villageId).where('e.occurred_on', '>=', from).where('e.occurred_on', '<=', to);
  if (after) q = q.where((eb) => eb.or([eb('e.occurred_on', '>', after.occurredOn), eb.and([eb('e.occurred_on', '=', after.occurredOn), eb('e.id', '>', after.id)])]));
  const rows = await q.orderBy('e.occurred_on').orderBy('e.id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, occurredOn: r.occurred_on, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name, indicatorCode: r.indicator_code,
    indicatorName: r.name_zh ?? '', points: Number(r.points), state: r.state, recorderName: r.display_name ?? '', createdAt: r.created_at,
  }));
}

export interface CreditExportRow {
  id: string; occurredOn: string; householdId: string; householdNo: string; headName: string; personName: string | null; idLast4: string | null;
  kind: string; source: string; documentNo: string; state: string; createdAt: string;
}

/** One page of a village's credit records of a date range, in (date, id) order after `after`. */
export async function pageVillageCreditRecords(db: Queryable, villageId: string, from: string, to: string, after: PageKey | null, limit: number): Promise<CreditExportRow[]> {
  let q = db.selectFrom('credit_records as r')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .leftJoin('persons as p', 'p.id', 'r.person_id')
    .select(['r.id', 'r.occurred_on', 'r.household_id', 'h.household_no', 'h.head_name', 'p.name', 'p.id_last4', 'r.kind', 'r.source', 'r.document_no', 'r.state', 'r.created_at'])
    .where('r.village_id', '=', villageId).where('r.occurred_on', '>=', from).where('r.occurred_on', '<=', to);
  if (after) q = q.where((eb) => eb.or([eb('r.occurred_on', '>', after.occurredOn), eb.and([eb('r.occurred_on', '=', after.occurredOn), eb('r.id', '>', after.id)])]));
  const rows = await q.orderBy('r.occurred_on').orderBy('r.id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, occurredOn: r.occurred_on, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name, personName: r.name, idLast4: r.id_last4,
    kind: r.kind, source: r.source, documentNo: r.document_no, state: r.state, createdAt: r.created_at,
  }));
}

// ---- anomaly checks ----------------------------------------------------------------------------

export interface AnomalyCheck { kind: string; subjectId: string; day: string; note: string; checkedBy: string; checkedAt: string }

const checkKey = (kind: string, subjectId: string, day: string | null) => `${kind}|${subjectId}|${day ?? ''}`;

/** Every check of a township, keyed by what it is about (kind|subject|day). */
export async function listAnomalyChecks(db: Queryable, townshipId: string): Promise<Map<string, AnomalyCheck>> {
  const rows = await db.selectFrom('anomaly_checks').selectAll().where('township_id', '=', townshipId).execute();
  return new Map(rows.map((r) => [checkKey(r.kind, r.subject_id, r.day), {
    kind: r.kind, subjectId: r.subject_id, day: r.day, note: r.note, checkedBy: r.checked_by, checkedAt: r.checked_at,
  }]));
}

export const anomalyCheckKey = checkKey;

export async function findFlag(db: Queryable, flagId: string) {
  return db.selectFrom('anomaly_flags').selectAll().where('id', '=', flagId).executeTakeFirst();
}

/** Marks what a flag is about as checked (a later check replaces the note). */
export async function upsertAnomalyCheck(db: Queryable, c: {
  id: string; townshipId: string; villageId: string | null; kind: string; subjectId: string; day: string | null; note: string; checkedBy: string; at: string;
}): Promise<void> {
  await db.insertInto('anomaly_checks').values({
    id: c.id, township_id: c.townshipId, village_id: c.villageId, kind: c.kind, subject_id: c.subjectId, day: c.day ?? '',
    note: c.note, checked_by: c.checkedBy, checked_at: c.at,
  }).onConflict((oc) => oc.columns(['township_id', 'kind', 'subject_id', 'day']).doUpdateSet({ note: c.note, checked_by: c.checkedBy, checked_at: c.at }))
    .execute();
}

/** Display names of users (the audit log's actors, a check's officer). */
export async function listUserNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 400) {
    const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', unique.slice(i, i + 400)).execute();
    for (const r of rows) out.set(r.id, r.display_name);
  }
  return out;
}
