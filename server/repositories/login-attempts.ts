// Failed-login counters per key ('user:<name>', 'phone:<number>', 'ip:<addr>') in a sliding window.
import { sql } from 'kysely';
import type { Queryable } from './queryable';

/** Failures counted in the window that started after `windowStart`; 0 when the window has expired. */
export async function countRecentFailures(db: Queryable, key: string, windowStart: string): Promise<number> {
  const row = await db.selectFrom('login_attempts').select('failures').where('key', '=', key).where('window_start', '>', windowStart).executeTakeFirst();
  return row?.failures ?? 0;
}

/**
 * One more failure. A single upsert (no read-then-write race): an expired window restarts at 1.
 * `windowStart` is the cut-off: windows that began before it have expired.
 */
export async function addFailure(db: Queryable, key: string, now: string, windowStart: string): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values({ key, failures: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when login_attempts.window_start > ${windowStart} then login_attempts.failures + 1 else 1 end`,
        window_start: sql<string>`case when login_attempts.window_start > ${windowStart} then login_attempts.window_start else ${now} end`,
      }),
    )
    .execute();
}

export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', key).execute();
}
