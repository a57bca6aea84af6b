// Entries (points records) as the review, notice and household views read them.
import type { Queryable } from './queryable';
import type { EntryDto } from '../../shared/protocol/tables';
import type { EntryState } from '../../shared/domain/entry-state';
import { forUpdateIfSupported } from './locks';
import { maskIdNumbersInText } from '../../shared/validation/note';

export const ENTRY_COLS = [
  'entries.id', 'entries.village_id', 'entries.household_id', 'entries.person_id', 'entries.catalog_version_id',
  'entries.indicator_code', 'entries.occurred_on', 'entries.points', 'entries.note', 'entries.recorder_id',
  'entries.state', 'entries.reverses', 'entries.created_at', 'entries.state_reason', 'entries.revision',
] as const;

type EntryRow = {
  id: string; village_id: string; household_id: string; person_id: string | null; catalog_version_id: string;
  indicator_code: string; occurred_on: string; points: number; note: string; recorder_id: string; state: string;
  reverses: string | null; created_at: string; state_reason: string; revision: number;
};

export const toEntry = (r: EntryRow): EntryDto => ({
  id: r.id, villageId: r.village_id, householdId: r.household_id, personId: r.person_id,
  catalogVersionId: r.catalog_version_id, indicatorCode: r.indicator_code, occurredOn: r.occurred_on,
  // Guardrail 6: a note stored before the note rule may hold an ID number; it leaves masked.
  points: r.points, note: maskIdNumbersInText(r.note), recorderId: r.recorder_id, state: r.state as EntryState, reverses: r.reverses,
  createdAt: r.created_at, stateReason: r.state_reason, revision: r.revision,
});

const yearRange = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

export async function findEntry(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<EntryDto | null> {
  const qb = db.selectFrom('entries').select(ENTRY_COLS).where('entries.id', '=', id);
  const row = await (opts.lock ? forUpdateIfSupported(db, qb) : qb).executeTakeFirst();
  return row ? toEntry(row) : null;
}

export interface StandingRow { villageId: string; householdId: string; points: number; state: EntryState; occurredOn: string }

/** The few columns standings need, for every entry of the villages that happened in the year. */
export async function listStandingRows(db: Queryable, villageIds: readonly string[], year: number): Promise<StandingRow[]> {
  if (villageIds.length === 0) return [];
  const [from, to] = yearRange(year);
  const rows = await db
    .selectFrom('entries')
    .select(['village_id', 'household_id', 'points', 'state', 'occurred_on'])
    .where('village_id', 'in', [...villageIds])
    .where('occurred_on', '>=', from)
    .where('occurred_on', '<=', to)
    .execute();
  return rows.map((r) => ({ villageId: r.village_id, householdId: r.household_id, points: r.points, state: r.state as EntryState, occurredOn: r.occurred_on }));
}

export type EntryWithNames = EntryDto & { indicatorNameZh: string; indicatorNameEn: string };

/** Every entry of a household, newest first, with the indicator's names from its catalogue version. */
export async function listEntriesOfHousehold(db: Queryable, householdId: string): Promise<EntryWithNames[]> {
  const rows = await db
    .selectFrom('entries')
    .leftJoin('indicators', (j) => j.onRef('indicators.catalog_version_id', '=', 'entries.catalog_version_id').onRef('indicators.code', '=', 'entries.indicator_code'))
    .select(ENTRY_COLS)
    .select(['indicators.name_zh', 'indicators.name_en'])
    .where('entries.household_id', '=', householdId)
    .orderBy('entries.occurred_on', 'desc')
    .orderBy('entries.id', 'desc')
    .execute();
  return rows.map((r) => ({ ...toEntry(r), indicatorNameZh: r.name_zh ?? r.indicator_code, indicatorNameEn: r.name_en ?? r.indicator_code }));
}

export interface QueueRow extends EntryDto { householdNo: string; headName: string; indicatorNameZh: string; indicatorNameEn: string; recorderName: string }

/** Ids of a village's entries in a state, locked on PostgreSQL so that two notices cannot take the same entry. */
export async function listEntryIdsInState(
  db: Queryable, villageId: string, state: EntryState, opts: { lock?: boolean; occurredFrom?: string; occurredTo?: string } = {},
): Promise<string[]> {
  let qb = db.selectFrom('entries').select('id').where('village_id', '=', villageId).where('state', '=', state).orderBy('id');
  if (opts.occurredFrom) qb = qb.where('occurred_on', '>=', opts.occurredFrom);
  if (opts.occurredTo) qb = qb.where('occurred_on', '<=', opts.occurredTo);
  const rows = await (opts.lock ? forUpdateIfSupported(db, qb) : qb).execute();
  return rows.map((r) => r.id);
}

/** A notice's entries in a state (index entries_notice_state). */
export function entryIdsOfNoticeQuery(db: Queryable, noticeId: string, state: EntryState) {
  return db.selectFrom('entries').select('id').where('notice_id', '=', noticeId).where('state', '=', state).orderBy('id');
}

export async function listEntryIdsOfNotice(db: Queryable, noticeId: string, state: EntryState): Promise<string[]> {
  const rows = await forUpdateIfSupported(db, entryIdsOfNoticeQuery(db, noticeId, state)).execute();
  return rows.map((r) => r.id);
}

/** Submitted entries per village, whatever year they happened in (the township sees the backlog). */
export async function countSubmittedByVillage(db: Queryable, villageIds: readonly string[]): Promise<Map<string, number>> {
  if (villageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('entries')
    .select((eb) => ['village_id', eb.fn.countAll<number>().as('n')])
    .where('village_id', 'in', [...villageIds])
    .where('state', '=', 'submitted')
    .groupBy('village_id')
    .execute();
  return new Map(rows.map((r) => [r.village_id, Number(r.n)]));
}
