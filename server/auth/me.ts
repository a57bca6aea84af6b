// The `Me` shape of docs/api.md: what the client learns about the logged-in user.
import type { SessionUser } from '../context';
import type { Role } from '../../shared/domain/roles';

export interface Me {
  id: string;
  displayName: string;
  role: Role;
  townshipId: string | null;
  householdId: string | null;
  villageIds: string[];
}

export const toMe = (u: SessionUser): Me => ({
  id: u.id, displayName: u.displayName, role: u.role, townshipId: u.townshipId, householdId: u.householdId, villageIds: u.villageIds,
});
