// Assertions used by route rules and handlers. Out of scope answers 404, not 403, so that ids of
// other villages or households cannot be probed (security.md "Access").
import type { SessionUser } from '../context';
import type { Role } from '../../shared/domain/roles';
import type { Queryable } from '../repositories/queryable';
import { forbidden, notFound, unauthorized } from '../http/errors';
import { canReadVillage } from './scope';
import { findConflictVillageId, findEntryVillageId, findHouseholdVillageId } from '../repositories/scope-lookups';
import { villagesOfEvidence } from '../repositories/evidence';

export function requireUser(user: SessionUser | null): SessionUser {
  if (!user) throw unauthorized();
  return user;
}

export function requireRole(user: SessionUser | null, ...roles: Role[]): SessionUser {
  const u = requireUser(user);
  if (!roles.includes(u.role)) throw forbidden();
  return u;
}

export function assertVillage(user: SessionUser, villageId: string): void {
  if (!canReadVillage(user, villageId)) throw notFound('村不存在或不在您的范围内');
}

/** Resident: only their own household. Staff: a household of a village in scope. Returns its village. */
export async function assertHousehold(db: Queryable, user: SessionUser, householdId: string): Promise<string> {
  if (user.role === 'resident' && user.householdId !== householdId) throw notFound('户不存在或不在您的范围内');
  const villageId = await findHouseholdVillageId(db, householdId);
  if (!villageId) throw notFound('户不存在或不在您的范围内');
  if (user.role !== 'resident' && !canReadVillage(user, villageId)) throw notFound('户不存在或不在您的范围内');
  return villageId;
}

/** An entry of a village in scope (staff only). Returns its village. */
export async function assertEntry(db: Queryable, user: SessionUser, entryId: string): Promise<string> {
  const villageId = await findEntryVillageId(db, entryId);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('记录不存在或不在您的范围内');
  return villageId;
}

/** An edit conflict of a village in scope (staff only). Returns its village. */
export async function assertConflict(db: Queryable, user: SessionUser, conflictId: string): Promise<string> {
  const villageId = await findConflictVillageId(db, conflictId);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('冲突记录不存在或不在您的范围内');
  return villageId;
}

/**
 * A photo (by SHA-256) that an entry or a credit record of a village in scope carries (staff
 * only): who may see the entry or record may see its evidence. A photo nothing references yet is
 * nobody's to see.
 */
export async function assertEvidence(db: Queryable, user: SessionUser, hash: string): Promise<void> {
  const villages = await villagesOfEvidence(db, hash);
  if (!villages.some((v) => canReadVillage(user, v))) throw notFound('照片不存在或不在您的范围内');
}

export function assertTownship(user: SessionUser): string {
  if (!user.townshipId) throw notFound('未关联镇街');
  return user.townshipId;
}
