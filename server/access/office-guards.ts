// Users a township office may manage (issue 11 "Users"): staff of its township or assigned to its
// villages, and residents of its villages. Another township's user answers 404 (not probeable);
// a township staff member may not change an admin (403).
import type { SessionUser } from '../context';
import type { Queryable } from '../repositories/queryable';
import { findOfficeUser, type OfficeUser } from '../repositories/township-office';
import { forbidden, notFound } from '../http/errors';
import { assertTownship } from './guards';

export async function assertOfficeUser(db: Queryable, caller: SessionUser, userId: string): Promise<OfficeUser & { residentVillageId: string | null }> {
  const townshipId = assertTownship(caller);
  const target = await findOfficeUser(db, userId);
  const inTownship = target && (target.townshipId === townshipId
    || target.villageIds.some((v) => caller.villageIds.includes(v))
    || (target.residentVillageId !== null && caller.villageIds.includes(target.residentVillageId)));
  if (!target || !inTownship) throw notFound('用户不存在或不在本镇');
  if (target.role === 'admin' && caller.role !== 'admin') throw forbidden('不能修改系统管理员');
  if (target.id === caller.id) throw forbidden('不能在这里修改自己的账号');
  return target;
}

/** Villages to assign must all be the caller's township's. */
export function assertOwnVillages(caller: SessionUser, villageIds: readonly string[]): void {
  if (villageIds.some((v) => !caller.villageIds.includes(v))) throw notFound('村不存在或不在您的范围内');
}
