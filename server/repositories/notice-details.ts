// What a notice shows (its entries with household and indicator), its QR link's hashed token, and
// the village's notice setting. Every query here is by notice id (index entries_notice_state) or
// by primary key: nothing reads the village's ledger.
import type { Queryable } from './queryable';
import type { NoticeEntryRow } from '../../shared/domain/notice';

/** States an entry can have once it went on a notice. */
const ON_NOTICE_STATES = ['publicized', 'objected', 'effective', 'rejected', 'amended', 'reversed'] as const;

export async function listNoticeEntries(db: Queryable, noticeId: string): Promise<NoticeEntryRow[]> {
  const rows = await db
    .selectFrom('entries')
    .innerJoin('households', 'households.id', 'entries.household_id')
    .leftJoin('indicators', (j) => j.onRef('indicators.catalog_version_id', '=', 'entries.catalog_version_id').onRef('indicators.code', '=', 'entries.indicator_code'))
    .select(['entries.id', 'entries.household_id', 'households.household_no', 'households.head_name', 'indicators.name_zh', 'entries.indicator_code', 'entries.points', 'entries.occurred_on', 'entries.state'])
    .where('entries.notice_id', '=', noticeId)
    .where('entries.state', 'in', [...ON_NOTICE_STATES])
    .execute();
  return rows.map((r) => ({
    entryId: r.id, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name,
    indicatorNameZh: r.name_zh ?? r.indicator_code, points: r.points, occurredOn: r.occurred_on, state: r.state,
  }));
}

/** Approved entries a new notice would take, and their households (index entries_village_state). */
export async function countApprovedForNotice(db: Queryable, villageId: string, period: { from?: string; to?: string }): Promise<{ entries: number; households: number }> {
  let qb = db.selectFrom('entries')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('household_id').distinct().as('h')])
    .where('village_id', '=', villageId).where('state', '=', 'approved');
  if (period.from) qb = qb.where('occurred_on', '>=', period.from);
  if (period.to) qb = qb.where('occurred_on', '<=', period.to);
  const r = await qb.executeTakeFirstOrThrow();
  return { entries: Number(r.n), households: Number(r.h) };
}

export async function insertNoticeLink(db: Queryable, l: { noticeId: string; tokenHash: string; periodFrom: string | null; periodTo: string | null }): Promise<void> {
  await db.insertInto('notice_links')
    .values({ notice_id: l.noticeId, token_hash: l.tokenHash, period_from: l.periodFrom, period_to: l.periodTo })
    .onConflict((oc) => oc.column('notice_id').doNothing())
    .execute();
}

export async function findNoticeLink(db: Queryable, noticeId: string): Promise<{ tokenHash: string; periodFrom: string | null; periodTo: string | null } | null> {
  const r = await db.selectFrom('notice_links').select(['token_hash', 'period_from', 'period_to']).where('notice_id', '=', noticeId).executeTakeFirst();
  return r ? { tokenHash: r.token_hash, periodFrom: r.period_from, periodTo: r.period_to } : null;
}

export async function findNoticeIdByTokenHash(db: Queryable, tokenHash: string): Promise<string | null> {
  const r = await db.selectFrom('notice_links').select('notice_id').where('token_hash', '=', tokenHash).executeTakeFirst();
  return r?.notice_id ?? null;
}

export async function findNamesOnDeductions(db: Queryable, villageId: string): Promise<boolean> {
  const r = await db.selectFrom('village_notice_settings').select('names_on_deductions').where('village_id', '=', villageId).executeTakeFirst();
  return r?.names_on_deductions === 1;
}

export async function saveNamesOnDeductions(db: Queryable, villageId: string, value: boolean, userId: string, at: string): Promise<void> {
  await db.insertInto('village_notice_settings')
    .values({ village_id: villageId, names_on_deductions: value ? 1 : 0, updated_by: userId, updated_at: at })
    .onConflict((oc) => oc.column('village_id').doUpdateSet({ names_on_deductions: value ? 1 : 0, updated_by: userId, updated_at: at }))
    .execute();
}

export async function findVillageName(db: Queryable, villageId: string): Promise<{ name: string; townshipName: string } | null> {
  const r = await db.selectFrom('villages').innerJoin('townships', 'townships.id', 'villages.township_id')
    .select(['villages.name as v', 'townships.name as t']).where('villages.id', '=', villageId).executeTakeFirst();
  return r ? { name: r.v, townshipName: r.t } : null;
}
