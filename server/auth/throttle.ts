// Login throttling per account and per client address (security.md "Access"). Counters live in
// the database so that several server processes share them.
import type { Queryable } from '../repositories/queryable';
import { addFailure, clearFailures, countRecentFailures } from '../repositories/login-attempts';
import { AppError } from '../http/errors';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Higher: a village office or a mobile carrier's NAT puts many honest people behind one address. */
export const MAX_FAILURES_PER_IP = 50;

export interface ThrottleKeys { account: string; ip: string }

const windowStart = (now: Date) => new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();

export async function assertNotThrottled(db: Queryable, keys: ThrottleKeys, now: Date): Promise<void> {
  const since = windowStart(now);
  const [account, ip] = await Promise.all([countRecentFailures(db, keys.account, since), countRecentFailures(db, keys.ip, since)]);
  if (account >= MAX_FAILURES_PER_ACCOUNT || ip >= MAX_FAILURES_PER_IP) {
    throw new AppError(429, 'too_many_attempts', '登录失败次数过多，请15分钟后再试', THROTTLE_WINDOW_MS / 1000);
  }
}

export async function recordFailure(db: Queryable, keys: ThrottleKeys, now: Date): Promise<void> {
  const since = windowStart(now);
  await addFailure(db, keys.account, now.toISOString(), since);
  await addFailure(db, keys.ip, now.toISOString(), since);
}

/** A successful login clears the account's counter (not the address's: others may share it). */
export function recordSuccess(db: Queryable, keys: ThrottleKeys): Promise<void> {
  return clearFailures(db, keys.account);
}
