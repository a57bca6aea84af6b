// Scope checks of notices and objections (rules.ts scope kinds 'notice' and 'objection'). Out of
// scope answers 404, like the other guards.
import type { SessionUser } from '../context';
import type { Queryable } from '../repositories/queryable';
import { notFound } from '../http/errors';
import { canReadVillage } from './scope';
import { findHouseholdVillageId } from '../repositories/scope-lookups';
import { findObjectionVillageId } from '../repositories/objections';

async function findNoticeVillageId(db: Queryable, noticeId: string): Promise<string | null> {
  const r = await db.selectFrom('notices').select('village_id').where('id', '=', noticeId).executeTakeFirst();
  return r?.village_id ?? null;
}

/** Staff: a notice of a village in scope. Resident: a notice of their own household's village. Returns its village. */
export async function assertNotice(db: Queryable, user: SessionUser, noticeId: string): Promise<string> {
  const villageId = await findNoticeVillageId(db, noticeId);
  const missing = () => notFound('公示不存在或不在您的范围内');
  if (!villageId) throw missing();
  if (user.role === 'resident') {
    if (!user.householdId || (await findHouseholdVillageId(db, user.householdId)) !== villageId) throw missing();
  } else if (!canReadVillage(user, villageId)) throw missing();
  return villageId;
}

export async function assertObjection(db: Queryable, user: SessionUser, objectionId: string): Promise<string> {
  const villageId = await findObjectionVillageId(db, objectionId);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('异议不存在或不在您的范围内');
  return villageId;
}
