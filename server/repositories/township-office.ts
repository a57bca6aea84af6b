// SQL of the township office's user management and the village honour board (issue 11
// "Running the system"). Users of a township: staff with its township_id, committee members and
// collectors assigned to its villages, residents of households in its villages.
import type { Queryable } from './queryable';
import { bool } from './queryable';
import type { Role } from '../../shared/domain/roles';

export interface OfficeUser {
  id: string; username: string | null; displayName: string; role: Role; townshipId: string | null;
  householdId: string | null; phone: string | null; active: boolean; createdAt: string; villageIds: string[];
}

type Row = { id: string; username: string | null; display_name: string; role: string; township_id: string | null; household_id: string | null; phone: string | null; active: number; created_at: string };

async function withVillages(db: Queryable, rows: Row[]): Promise<OfficeUser[]> {
  const ids = rows.map((r) => r.id);
  const links = ids.length ? await db.selectFrom('user_villages').select(['user_id', 'village_id']).where('user_id', 'in', ids).orderBy('village_id').execute() : [];
  const byUser = new Map<string, string[]>();
  for (const l of links) byUser.set(l.user_id, [...(byUser.get(l.user_id) ?? []), l.village_id]);
  return rows.map((r) => ({
    id: r.id, username: r.username, displayName: r.display_name, role: r.role as Role, townshipId: r.township_id, householdId: r.household_id,
    phone: r.phone, active: bool(r.active), createdAt: r.created_at, villageIds: byUser.get(r.id) ?? [],
  }));
}

const USER_COLUMNS = ['users.id', 'users.username', 'users.display_name', 'users.role', 'users.township_id', 'users.household_id', 'users.phone', 'users.active', 'users.created_at'] as const;

/** Every user of the township (residents only when asked), staff by role then name. */
export async function listTownshipUsers(db: Queryable, townshipId: string, villageIds: readonly string[], opts: { residents: boolean }): Promise<OfficeUser[]> {
  const staff = await db.selectFrom('users').select(USER_COLUMNS).where('role', '!=', 'resident')
    .where((eb) => eb.or([
      eb('township_id', '=', townshipId),
      ...(villageIds.length ? [eb('id', 'in', eb.selectFrom('user_villages').select('user_id').where('village_id', 'in', [...villageIds]))] : []),
    ])).orderBy('role').orderBy('display_name').execute();
  const residents = opts.residents && villageIds.length
    ? await db.selectFrom('users').innerJoin('households', 'households.id', 'users.household_id').select(USER_COLUMNS)
      .where('users.role', '=', 'resident').where('households.village_id', 'in', [...villageIds]).orderBy('users.display_name').limit(500).execute()
    : [];
  return withVillages(db, [...staff, ...residents]);
}

export async function findOfficeUser(db: Queryable, id: string): Promise<(OfficeUser & { residentVillageId: string | null }) | null> {
  const r = await db.selectFrom('users').leftJoin('households', 'households.id', 'users.household_id')
    .select([...USER_COLUMNS, 'households.village_id']).where('users.id', '=', id).executeTakeFirst();
  if (!r) return null;
  const [u] = await withVillages(db, [r]);
  return { ...u, residentVillageId: r.village_id ?? null };
}

export async function usernameTaken(db: Queryable, username: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
}

export async function updateUserFields(db: Queryable, id: string, f: { displayName?: string; active?: boolean; passwordHash?: string; pinHash?: string }): Promise<void> {
  const set = {
    ...(f.displayName !== undefined ? { display_name: f.displayName } : {}),
    ...(f.active !== undefined ? { active: f.active ? 1 : 0 } : {}),
    ...(f.passwordHash !== undefined ? { password_hash: f.passwordHash } : {}),
    ...(f.pinHash !== undefined ? { pin_hash: f.pinHash } : {}),
  };
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute();
}

export async function replaceUserVillages(db: Queryable, userId: string, villageIds: readonly string[]): Promise<void> {
  await db.deleteFrom('user_villages').where('user_id', '=', userId).execute();
  if (villageIds.length) await db.insertInto('user_villages').values(villageIds.map((v) => ({ user_id: userId, village_id: v }))).execute();
}

/** Revokes every live session of the user; returns how many. */
export async function revokeUserSessions(db: Queryable, userId: string, now: string): Promise<number> {
  const r = await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countLiveSessions(db: Queryable, userIds: readonly string[], now: string): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await db.selectFrom('sessions').select(['user_id', db.fn.countAll<number>().as('n')])
    .where('user_id', 'in', [...userIds]).where('revoked_at', 'is', null).where('expires_at', '>', now).groupBy('user_id').execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}

// ---- honour board ----------------------------------------------------------------------------

export async function boardHouseholds(db: Queryable, villageId: string) {
  const households = await db.selectFrom('households').select(['id', 'household_no', 'head_name', 'status'])
    .where('village_id', '=', villageId).where('deleted', '=', 0).execute();
  const minorHeads = new Set((await db.selectFrom('persons').select('household_id').where('village_id', '=', villageId)
    .where('relation', 'in', ['户主', '本人']).where('is_minor', '=', 1).where('deleted', '=', 0).execute()).map((r) => r.household_id));
  return households.map((h) => ({ id: h.id, householdNo: h.household_no, headName: h.head_name, status: h.status, headIsMinor: minorHeads.has(h.id) }));
}

export async function boardTallies(db: Queryable, villageId: string, year: number) {
  const rows = await db.selectFrom('tally_households').select(['household_id', 'effective_points', 'big_deductions'])
    .where('village_id', '=', villageId).where('year', '=', year).execute();
  return rows.map((r) => ({ householdId: r.household_id, effectivePoints: Number(r.effective_points), bigDeductions: Number(r.big_deductions) }));
}

export async function boardCredits(db: Queryable, villageId: string, year: number) {
  const rows = await db.selectFrom('credit_records').leftJoin('persons', 'persons.id', 'credit_records.person_id')
    .select(['credit_records.household_id', 'credit_records.kind', 'persons.is_minor'])
    .where('credit_records.village_id', '=', villageId).where('credit_records.state', '=', 'submitted')
    .where('credit_records.occurred_on', '>=', `${year}-01-01`).where('credit_records.occurred_on', '<=', `${year}-12-31`).execute();
  return rows.map((r) => ({ householdId: r.household_id, kind: r.kind, personIsMinor: r.is_minor === 1 }));
}
