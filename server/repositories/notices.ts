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

/** Open notices whose window has ended, oldest first (index notices_status_ends / notices_village). */
export function dueNoticesQuery(db: Queryable, now: string, opts: { villageId?: string; limit?: number } = {}) {
  let qb = db.selectFrom('notices').select(['id', 'village_id']).where('status', '=', 'open').where('ends_at', '<=', now);
  if (opts.villageId) qb = qb.where('village_id', '=', opts.villageId);
  qb = qb.orderBy('ends_at').orderBy('id');
  return opts.limit ? qb.limit(opts.limit) : qb;
}

export async function listDueNotices(db: Queryable, now: string, opts: { villageId?: string; limit?: number } = {}): Promise<{ id: string; villageId: string }[]> {
  const rows = await dueNoticesQuery(db, now, opts).execute();
  return rows.map((r) => ({ id: r.id, villageId: r.village_id }));
}

/**
 * Claims a due notice for settlement: a conditional UPDATE (open and ended → closed) in the
 * caller's transaction. Of two settlers (processes, connections) only one changes the row: on
 * PostgreSQL the second waits for the first's row lock, re-reads the row and finds it closed.
 */
export function claimDueNoticeQuery(db: Queryable, id: string, now: string) {
  return db.updateTable('notices').set({ status: 'closed' }).where('id', '=', id).where('status', '=', 'open').where('ends_at', '<=', now);
}

export async function claimDueNotice(db: Queryable, id: string, now: string): Promise<boolean> {
  const r = await claimDueNoticeQuery(db, id, now).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface NoticeRecord { id: string; villageId: string; startsAt: string; endsAt: string; status: string; createdBy: string; createdAt: string }

/** A notice, locked on PostgreSQL when asked (objection filing reads the window under the lock). */
export async function findNotice(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<NoticeRecord | null> {
  const qb = db.selectFrom('notices').select(['id', 'village_id', 'starts_at', 'ends_at', 'status', 'created_by', 'created_at']).where('id', '=', id);
  const r = await (opts.lock ? forUpdateIfSupported(db, qb) : qb).executeTakeFirst();
  return r ? { id: r.id, villageId: r.village_id, startsAt: r.starts_at, endsAt: r.ends_at, status: r.status, createdBy: r.created_by, createdAt: r.created_at } : null;
}

/** Whether a notice's objection window is open at `now` (status open and not yet ended). */
export const isWindowOpen = (n: Pick<NoticeRecord, 'status' | 'endsAt'>, now: string): boolean => n.status === 'open' && n.endsAt > now;
