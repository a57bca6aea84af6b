// Sessions: only sha256(token) is stored as the id; the token itself lives in the cookie alone.
import type { Queryable } from './queryable';

export async function insertSession(db: Queryable, s: { id: string; userId: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db.insertInto('sessions').values({ id: s.id, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
}

/** The live session's user id, or null when unknown, revoked, expired or the user is deactivated. */
export async function findLiveSessionUserId(db: Queryable, id: string, now: string): Promise<string | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.user_id')
    .where('sessions.id', '=', id)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.active', '=', 1)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

export async function revokeSession(db: Queryable, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}
