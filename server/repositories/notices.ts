// Public-notice windows (公示).
import type { Queryable } from './queryable';
import { forUpdateIfSupported } from './locks';

export interface NoticeDto {
  id: string; villageId: string; startsAt: string; endsAt: string;
  /** 'open' while the window runs, 'closed' once its entries were settled. */
  status: string;
  createdBy: string; createdAt: string;
  entryCount: number;
}

export async function insertNotice(db: Queryable, n: { id: string; villageId: string; startsAt: string; endsAt: string; createdBy: string }): Promise<void> {
  await db.insertInto('notices').values({
    id: n.id, village_id: n.villageId, starts_at: n.startsAt, ends_at: n.endsAt, status: 'open', created_by: n.createdBy, created_at: n.startsAt,
  }).execute();
}

export async function listNoticesOfVillage(db: Queryable, villageId: string): Promise<NoticeDto[]> {
  const rows = await db
    .selectFrom('notices')
    .leftJoin('entries', 'entries.notice_id', 'notices.id')
    .select(['notices.id', 'notices.village_id', 'notices.starts_at', 'notices.ends_at', 'notices.status', 'notices.created_by', 'notices.created_at'])
    .select((eb) => eb.fn.count<number>('entries.id').as('entry_count'))
    .where('notices.village_id', '=', villageId)
    .groupBy(['notices.id', 'notices.village_id', 'notices.starts_at', 'notices.ends_at', 'notices.status', 'notices.created_by', 'notices.created_at'])
    .orderBy('notices.starts_at', 'desc')
    .orderBy('notices.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id, villageId: r.village_id, startsAt: r.starts_at, endsAt: r.ends_at, status: r.status,
    createdBy: r.created_by, createdAt: r.created_at, entryCount: Number(r.entry_count),
  }));
}

/** Open notices whose window has ended, optionally of one village. */
export async function listDueNotices(db: Queryable, now: string, villageId?: string): Promise<{ id: string; villageId: string }[]> {
  let qb = db.selectFrom('notices').select(['id', 'village_id']).where('status', '=', 'open').where('ends_at', '<=', now);
  if (villageId) qb = qb.where('village_id', '=', villageId);
  const rows = await qb.orderBy('ends_at').execute();
  return rows.map((r) => ({ id: r.id, villageId: r.village_id }));
}

/** Locks an open notice (PostgreSQL) so that two settlers (timer, a read) do not both close it. */
export async function lockOpenNotice(db: Queryable, id: string): Promise<boolean> {
  const row = await forUpdateIfSupported(db, db.selectFrom('notices').select('id').where('id', '=', id).where('status', '=', 'open')).executeTakeFirst();
  return row !== undefined;
}

export async function closeNotice(db: Queryable, id: string): Promise<void> {
  await db.updateTable('notices').set({ status: 'closed' }).where('id', '=', id).execute();
}
