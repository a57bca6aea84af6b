// Staff and resident accounts for seeds. Secrets are hashed by the caller (once per distinct
// secret, with the server's own argon2id settings) and passed in, never hashed per user.
import type { Role } from '../../shared/domain/roles';
import { STREAM_STAFF, type StaffMember } from './generate';
import { givenName, surnameFor } from './names';
import { createRng, uuid7At, type Rng } from './random';
import { iso } from './timeline';
import type { UserRow, UserVillageRow } from './rows';

export interface UserSpec {
  username: string | null;
  displayName: string;
  role: Role;
  townshipId: string | null;
  householdId?: string | null;
  phone?: string | null;
  passwordHash?: string | null;
  pinHash?: string | null;
  /** Villages in scope, when known already; every user's scope rows go to user_villages. */
  villageIds?: readonly string[];
}

export interface SeededUser { row: UserRow; scope: UserVillageRow[]; member: StaffMember }

/** A user row, its scope rows and (for recorders) a device id, with ids from `rng`. */
export function makeUser(rng: Rng, createdMs: number, spec: UserSpec): SeededUser {
  const id = uuid7At(rng, createdMs);
  return {
    row: {
      id, username: spec.username, display_name: spec.displayName, role: spec.role, township_id: spec.townshipId,
      household_id: spec.householdId ?? null, phone: spec.phone ?? null, password_hash: spec.passwordHash ?? null,
      pin_hash: spec.pinHash ?? null, active: 1, created_at: iso(createdMs),
    },
    scope: (spec.villageIds ?? []).map((v) => ({ user_id: id, village_id: v })),
    member: { id, deviceId: uuid7At(rng, createdMs + 86_400_000) },
  };
}

/** A plausible person name for a staff account. */
export function staffName(rng: Rng): string {
  const male = rng.chance(0.5);
  return surnameFor(rng, []) + givenName(rng, male, 1975);
}

/** Random stream for the accounts of one seed: `key` 0 for curated users, village index + 1 per village. */
export function staffRng(seed: number, key: number): Rng {
  return createRng(seed, STREAM_STAFF, key);
}

/** Scope rows added once the village ids are known (entries must name their recorder first). */
export function scopeRows(users: readonly SeededUser[], villageIds: readonly string[]): UserVillageRow[] {
  return users.flatMap((u) => villageIds.map((v) => ({ user_id: u.row.id, village_id: v })));
}
