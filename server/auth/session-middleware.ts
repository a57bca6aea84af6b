// Resolves the session cookie into c.var.user (or null) for every request.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps, SessionUser } from '../context';
import { findLiveSessionUserId, revokeSession } from '../repositories/sessions';
import { findUserById } from '../repositories/users';
import { findSessionActivity, touchSession } from '../repositories/residents';
import { loadScope } from '../access/scope';
import { readSessionToken, sessionIdOf } from './session-token';

/** Activity is written at most this often (one small write per minute per session, not per request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Residents' sessions also end after config.residentIdleMinutes without a request (a shared
 * phone left lying around); staff sessions run for config.sessionDays.
 */
async function expiredByInactivity(deps: Deps, sessionId: string): Promise<boolean> {
  const activity = await findSessionActivity(deps.db, sessionId);
  if (!activity) return true;
  const now = deps.now();
  const last = new Date(activity.lastSeenAt ?? activity.createdAt).getTime();
  if (now.getTime() - last > deps.config.residentIdleMinutes * 60_000) {
    await revokeSession(deps.db, sessionId, now.toISOString());
    return true;
  }
  if (now.getTime() - last >= TOUCH_EVERY_MS) await touchSession(deps.db, sessionId, now.toISOString());
  return false;
}

export async function loadSessionUser(deps: Deps, sessionId: string): Promise<SessionUser | null> {
  const userId = await findLiveSessionUserId(deps.db, sessionId, deps.now().toISOString());
  if (!userId) return null;
  const u = await findUserById(deps.db, userId);
  if (!u || !u.active) return null;
  if (u.role === 'resident' && await expiredByInactivity(deps, sessionId)) return null;
  const scope = await loadScope(deps.db, u);
  return {
    id: u.id, sessionId, role: u.role, displayName: u.displayName,
    townshipId: scope.townshipId, householdId: u.householdId, villageIds: scope.villageIds,
  };
}

export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps');
  const token = readSessionToken(c, deps.config);
  c.set('user', token ? await loadSessionUser(deps, sessionIdOf(token)) : null);
  return next();
};
