// Who may see and write which villages. Derived from the server's own tables on every request,
// never from anything the client sends (security.md "Access", sync.md "Scope").
import type { Queryable } from '../repositories/queryable';
import type { SessionUser } from '../context';
import type { Role } from '../../shared/domain/roles';
import type { UserRecord } from '../repositories/users';
import { listAssignedVillageIds } from '../repositories/users';
import { findTownshipOfVillage, listAllVillageIds, listVillageIdsOfTownship } from '../repositories/villages';
import { findHouseholdVillageId } from '../repositories/scope-lookups';

export interface Scope {
  townshipId: string | null;
  /** Villages the user may read. Empty for residents: they see their own household only. */
  villageIds: string[];
}

/**
 * - admin: every village of their township (an admin without a township: every village);
 * - township staff: every village of their township;
 * - committee, collector: the villages assigned in user_villages;
 * - resident: no village, only their household (checked by assertHousehold).
 */
export async function loadScope(db: Queryable, user: Pick<UserRecord, 'id' | 'role' | 'townshipId' | 'householdId'>): Promise<Scope> {
  switch (user.role) {
    case 'admin':
      return { townshipId: user.townshipId, villageIds: user.townshipId ? await listVillageIdsOfTownship(db, user.townshipId) : await listAllVillageIds(db) };
    case 'township':
      return { townshipId: user.townshipId, villageIds: user.townshipId ? await listVillageIdsOfTownship(db, user.townshipId) : [] };
    case 'committee':
    case 'collector': {
      const villageIds = await listAssignedVillageIds(db, user.id);
      const townshipId = user.townshipId ?? (villageIds[0] ? (await findTownshipOfVillage(db, villageIds[0]))?.id ?? null : null);
      return { townshipId, villageIds };
    }
    case 'resident': {
      const villageId = user.householdId ? await findHouseholdVillageId(db, user.householdId) : null;
      const townshipId = user.townshipId ?? (villageId ? (await findTownshipOfVillage(db, villageId))?.id ?? null : null);
      return { townshipId, villageIds: [] };
    }
  }
}

const WRITERS: readonly Role[] = ['collector', 'committee', 'admin'];

/** Staff may read a village in their scope; residents never read a whole village. */
export function canReadVillage(user: SessionUser, villageId: string): boolean {
  return user.role !== 'resident' && user.villageIds.includes(villageId);
}

/** Collectors, committee members and admins may write to villages in their scope (sync checks this per item). */
export function canWriteVillage(user: SessionUser, villageId: string): boolean {
  return WRITERS.includes(user.role) && user.villageIds.includes(villageId);
}

/** Committee members and admins review and publicize in villages of their scope. */
export function canReviewVillage(user: SessionUser, villageId: string): boolean {
  return (user.role === 'committee' || user.role === 'admin') && user.villageIds.includes(villageId);
}
