// Resolves the session cookie into c.var.user (or null) for every request.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps, SessionUser } from '../context';
import { findLiveSessionUserId } from '../repositories/sessions';
import { findUserById } from '../repositories/users';
import { loadScope } from '../access/scope';
import { readSessionToken, sessionIdOf } from './session-token';

export async function loadSessionUser(deps: Deps, sessionId: string): Promise<SessionUser | null> {
  const userId = await findLiveSessionUserId(deps.db, sessionId, deps.now().toISOString());
  if (!userId) return null;
  const u = await findUserById(deps.db, userId);
  if (!u || !u.active) return null;
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
