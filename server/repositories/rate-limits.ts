// Fixed-window request counters (server/http/rate-limit.ts). One upsert per request, no
// read-then-write race: a window that has ended restarts at 1.
import { sql } from 'kysely';
import type { Queryable } from './queryable';

/** Counts one request for `key`; returns the count in the current window and when it began. */
export async function countRequest(db: Queryable, key: string, nowMs: number, windowMs: number): Promise<{ count: number; windowStart: number }> {
  const cutoff = nowMs - windowMs;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: nowMs, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start > ${cutoff} then rate_limits.count + 1 else 1 end`,
        window_start: sql<number>`case when rate_limits.window_start > ${cutoff} then rate_limits.window_start else ${nowMs} end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), windowStart: Number(row.window_start) };
}
