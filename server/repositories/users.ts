// Users and their village assignments.
import type { Queryable } from './queryable';
import type { Role } from '../../shared/domain/roles';

export interface UserRecord {
  id: string;
  username: string | null;
  displayName: string;
  role: Role;
  townshipId: string | null;
  householdId: string | null;
  phone: string | null;
  passwordHash: string | null;
  pinHash: string | null;
  active: boolean;
}

type UserRow = {
  id: string; username: string | null; display_name: string; role: string; township_id: string | null;
  household_id: string | null; phone: string | null; password_hash: string | null; pin_hash: string | null; active: number;
};

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role as Role,
  townshipId: r.township_id,
  householdId: r.household_id,
  phone: r.phone,
  passwordHash: r.password_hash,
  pinHash: r.pin_hash,
  active: r.active === 1,
});

/** Staff log in by username; residents never have a username. */
export async function findStaffByUsername(db: Queryable, username: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).where('role', '!=', 'resident').executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findResidentByPhone(db: Queryable, phone: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('phone', '=', phone).where('role', '=', 'resident').executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function listAssignedVillageIds(db: Queryable, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_villages').select('village_id').where('user_id', '=', userId).orderBy('village_id').execute();
  return rows.map((r) => r.village_id);
}

export async function findUserNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export interface NewUser {
  id: string; username: string | null; displayName: string; role: Role; townshipId: string | null;
  householdId: string | null; phone: string | null; passwordHash: string | null; pinHash: string | null;
}

export async function insertUser(db: Queryable, u: NewUser, now: string): Promise<void> {
  await db.insertInto('users').values({
    id: u.id, username: u.username, display_name: u.displayName, role: u.role, township_id: u.townshipId,
    household_id: u.householdId, phone: u.phone, password_hash: u.passwordHash, pin_hash: u.pinHash, created_at: now,
  }).execute();
}

export async function assignVillages(db: Queryable, userId: string, villageIds: readonly string[]): Promise<void> {
  if (villageIds.length === 0) return;
  await db.insertInto('user_villages').values(villageIds.map((v) => ({ user_id: userId, village_id: v }))).execute();
}
