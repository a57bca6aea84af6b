// Objections (异议) to entries on a public notice. Read by id, by notice, by entry, by village and
// status, by the filer's household or by the hashed receipt token: each has its index (0005).
import type { Queryable } from './queryable';
import type { ObjectionStatus } from '../../shared/domain/notice';
import { forUpdateIfSupported } from './locks';

export interface ObjectionRecord {
  id: string; noticeId: string; entryId: string; villageId: string; householdId: string;
  filedBy: string | null; filerHouseholdId: string | null; filerName: string | null; filerPhone: string | null;
  grounds: string; status: ObjectionStatus; resolutionReason: string | null; resolvedBy: string | null; resolvedAt: string | null;
  replacementEntryId: string | null; createdAt: string;
}

const COLS = [
  'objections.id', 'objections.notice_id', 'objections.entry_id', 'objections.village_id', 'objections.household_id',
  'objections.filed_by', 'objections.filer_household_id', 'objections.filer_name', 'objections.filer_phone', 'objections.grounds',
  'objections.status', 'objections.resolution_reason', 'objections.resolved_by', 'objections.resolved_at',
  'objections.replacement_entry_id', 'objections.created_at',
] as const;

type Row = {
  id: string; notice_id: string; entry_id: string; village_id: string; household_id: string; filed_by: string | null;
  filer_household_id: string | null; filer_name: string | null; filer_phone: string | null; grounds: string; status: string;
  resolution_reason: string | null; resolved_by: string | null; resolved_at: string | null; replacement_entry_id: string | null; created_at: string;
};

const toRecord = (r: Row): ObjectionRecord => ({
  id: r.id, noticeId: r.notice_id, entryId: r.entry_id, villageId: r.village_id, householdId: r.household_id,
  filedBy: r.filed_by, filerHouseholdId: r.filer_household_id, filerName: r.filer_name, filerPhone: r.filer_phone,
  grounds: r.grounds, status: r.status as ObjectionStatus, resolutionReason: r.resolution_reason, resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at, replacementEntryId: r.replacement_entry_id, createdAt: r.created_at,
});

export async function insertObjection(db: Queryable, o: Omit<ObjectionRecord, 'status' | 'resolutionReason' | 'resolvedBy' | 'resolvedAt' | 'replacementEntryId'> & { receiptHash: string | null }): Promise<void> {
  await db.insertInto('objections').values({
    id: o.id, notice_id: o.noticeId, entry_id: o.entryId, village_id: o.villageId, household_id: o.householdId,
    filed_by: o.filedBy, filer_household_id: o.filerHouseholdId, filer_name: o.filerName, filer_phone: o.filerPhone,
    grounds: o.grounds, status: 'pending', receipt_hash: o.receiptHash, created_at: o.createdAt,
  }).execute();
}

export async function findObjection(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<ObjectionRecord | null> {
  const qb = db.selectFrom('objections').select(COLS).where('objections.id', '=', id);
  const r = await (opts.lock ? forUpdateIfSupported(db, qb) : qb).executeTakeFirst();
  return r ? toRecord(r) : null;
}

export async function findObjectionByReceipt(db: Queryable, receiptHash: string): Promise<ObjectionRecord | null> {
  const r = await db.selectFrom('objections').select(COLS).where('receipt_hash', '=', receiptHash).executeTakeFirst();
  return r ? toRecord(r) : null;
}

export async function findObjectionVillageId(db: Queryable, id: string): Promise<string | null> {
  const r = await db.selectFrom('objections').select('village_id').where('id', '=', id).executeTakeFirst();
  return r?.village_id ?? null;
}

/** Pending objections of an entry other than `exceptId`, locked on PostgreSQL. */
export async function listPendingOfEntry(db: Queryable, entryId: string, exceptId: string): Promise<string[]> {
  const rows = await forUpdateIfSupported(db, db.selectFrom('objections').select('id')
    .where('entry_id', '=', entryId).where('status', '=', 'pending').where('id', '!=', exceptId)).execute();
  return rows.map((r) => r.id);
}

export async function resolveObjections(db: Queryable, ids: readonly string[], r: { status: ObjectionStatus; reason: string; by: string; at: string; replacementEntryId: string | null }): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('objections').set({
    status: r.status, resolution_reason: r.reason, resolved_by: r.by, resolved_at: r.at, replacement_entry_id: r.replacementEntryId,
  }).where('id', 'in', [...ids]).where('status', '=', 'pending').execute();
}

export interface ObjectionListItem extends ObjectionRecord {
  householdNo: string; headName: string; indicatorNameZh: string; points: number; occurredOn: string; entryState: string; noticeEndsAt: string;
}

/** Objections with what their list shows of the entry, its household and its notice. */
function listItemQuery(db: Queryable) {
  return db.selectFrom('objections')
    .innerJoin('entries', 'entries.id', 'objections.entry_id')
    .innerJoin('households', 'households.id', 'objections.household_id')
    .innerJoin('notices', 'notices.id', 'objections.notice_id')
    .leftJoin('indicators', (j) => j.onRef('indicators.catalog_version_id', '=', 'entries.catalog_version_id').onRef('indicators.code', '=', 'entries.indicator_code'))
    .select(COLS)
    .select(['households.household_no', 'households.head_name', 'indicators.name_zh', 'entries.indicator_code', 'entries.points', 'entries.occurred_on', 'entries.state as entry_state', 'notices.ends_at']);
}

type ListItemRow = Awaited<ReturnType<ReturnType<typeof listItemQuery>['execute']>>[number];

function toListItem(r: ListItemRow): ObjectionListItem {
  return {
    ...toRecord(r), householdNo: r.household_no, headName: r.head_name, indicatorNameZh: r.name_zh ?? r.indicator_code,
    points: r.points, occurredOn: r.occurred_on, entryState: r.entry_state, noticeEndsAt: r.ends_at,
  };
}

/** A village's objections (pending first by age, or of one status), newest page bounded. */
export async function listObjectionsOfVillage(db: Queryable, villageId: string, opts: { status?: ObjectionStatus; limit: number }): Promise<ObjectionListItem[]> {
  let qb = listItemQuery(db).where('objections.village_id', '=', villageId);
  if (opts.status) qb = qb.where('objections.status', '=', opts.status);
  const rows = await qb.orderBy('objections.created_at', opts.status === 'pending' ? 'asc' : 'desc').orderBy('objections.id').limit(opts.limit).execute();
  return rows.map(toListItem);
}

/** Objections a resident's household filed (logged in), newest first. */
export async function listObjectionsFiledByHousehold(db: Queryable, householdId: string, limit: number): Promise<ObjectionListItem[]> {
  const rows = await listItemQuery(db).where('objections.filer_household_id', '=', householdId)
    .orderBy('objections.created_at', 'desc').orderBy('objections.id', 'desc').limit(limit).execute();
  return rows.map(toListItem);
}

export async function countObjectionsOfNotice(db: Queryable, noticeId: string): Promise<{ pending: number; total: number }> {
  const rows = await db.selectFrom('objections').select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .where('notice_id', '=', noticeId).groupBy('status').execute();
  let pending = 0; let total = 0;
  for (const r of rows) { total += Number(r.n); if (r.status === 'pending') pending += Number(r.n); }
  return { pending, total };
}

export interface EntryOnNotice {
  id: string; villageId: string; householdId: string; personId: string | null; noticeId: string | null; state: string; points: number;
  recorderId: string; catalogVersionId: string; indicatorCode: string; occurredOn: string; note: string;
}

/** The entry an objection is about, locked on PostgreSQL. */
export async function findEntryOnNotice(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<EntryOnNotice | null> {
  const qb = db.selectFrom('entries').select(['id', 'village_id', 'household_id', 'person_id', 'notice_id', 'state', 'points', 'recorder_id', 'catalog_version_id', 'indicator_code', 'occurred_on', 'note']).where('id', '=', id);
  const r = await (opts.lock ? forUpdateIfSupported(db, qb) : qb).executeTakeFirst();
  return r ? {
    id: r.id, villageId: r.village_id, householdId: r.household_id, personId: r.person_id, noticeId: r.notice_id, state: r.state, points: r.points,
    recorderId: r.recorder_id, catalogVersionId: r.catalog_version_id, indicatorCode: r.indicator_code, occurredOn: r.occurred_on, note: r.note,
  } : null;
}

/** The entry that replaces an amended one: same household, indicator and date, corrected points, on the same notice. */
export async function insertReplacementEntry(db: Queryable, e: { id: string; old: EntryOnNotice; points: number; note: string; state: string; recorderId: string; at: string }): Promise<void> {
  await db.insertInto('entries').values({
    id: e.id, village_id: e.old.villageId, household_id: e.old.householdId, person_id: e.old.personId,
    catalog_version_id: e.old.catalogVersionId, indicator_code: e.old.indicatorCode, occurred_on: e.old.occurredOn, points: e.points,
    note: e.note, recorder_id: e.recorderId, device_id: 'server', device_seq: 0, state: e.state, reverses: null, notice_id: e.old.noticeId,
    content_hash: e.id, client_created_at: e.at, created_at: e.at, updated_at: e.at,
  }).execute();
}

export async function findIndicatorRange(db: Queryable, catalogVersionId: string, code: string): Promise<{ pointsMin: number; pointsMax: number } | null> {
  const r = await db.selectFrom('indicators').select(['points_min', 'points_max']).where('catalog_version_id', '=', catalogVersionId).where('code', '=', code).executeTakeFirst();
  return r ? { pointsMin: r.points_min, pointsMax: r.points_max } : null;
}
