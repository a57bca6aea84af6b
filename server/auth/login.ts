// The shared tail of both logins: check throttles, verify the secret, open a session.
import type { Context } from 'hono';
import type { AppEnv, Deps } from '../context';
import type { UserRecord } from '../repositories/users';
import { insertSession } from '../repositories/sessions';
import { AppError } from '../http/errors';
import { clientAddress } from '../http/client-address';
import { verifySecret } from './password';
import { assertNotThrottled, recordFailure, recordSuccess, type ThrottleKeys } from './throttle';
import { newSessionToken, sessionIdOf, setSessionCookie } from './session-token';
import { loadSessionUser } from './session-middleware';
import { toMe, type Me } from './me';

/** One message for unknown account and wrong secret, so accounts cannot be enumerated. */
const badCredentials = (isResident: boolean) =>
  new AppError(401, 'bad_credentials', isResident ? '手机号或PIN码不正确' : '用户名或密码不正确');

export async function logIn(
  c: Context<AppEnv>,
  account: string,
  find: () => Promise<UserRecord | null>,
  secretOf: (u: UserRecord) => string | null,
  secret: string,
  isResident: boolean,
): Promise<Me> {
  const deps = c.get('deps');
  const keys: ThrottleKeys = { account, ip: `ip:${clientAddress(c)}` };
  await assertNotThrottled(deps.db, keys, deps.now());
  const user = await find();
  const ok = await verifySecret(user ? secretOf(user) : null, secret);
  if (!user || !ok || !user.active) {
    await recordFailure(deps.db, keys, deps.now());
    throw badCredentials(isResident);
  }
  await recordSuccess(deps.db, keys);
  return startSession(c, user.id);
}

/** Opens a session for `userId`, sets its cookie and the request's user; `opened` marks the new session row. */
export async function startSession(c: Context<AppEnv>, userId: string, opened?: (sessionId: string) => Promise<void>): Promise<Me> {
  const deps = c.get('deps');
  const token = await openSession(deps, userId);
  if (opened) await opened(sessionIdOf(token));
  setSessionCookie(c, deps.config, token);
  const sessionUser = await loadSessionUser(deps, sessionIdOf(token));
  if (!sessionUser) throw new Error('session vanished right after login');
  c.set('user', sessionUser);
  return toMe(sessionUser);
}

export async function openSession(deps: Deps, userId: string): Promise<string> {
  const token = newSessionToken();
  const now = deps.now();
  const expires = new Date(now.getTime() + deps.config.sessionDays * 24 * 3600 * 1000);
  await insertSession(deps.db, { id: sessionIdOf(token), userId, createdAt: now.toISOString(), expiresAt: expires.toISOString() });
  return token;
}
