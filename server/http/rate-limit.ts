// Per-user request budgets and the heavy-request gate.
//
// rateLimit(bucket): a fixed window of one minute per user and bucket ('sync', 'export'). On
// PostgreSQL it is counted in the database (rate_limits, migration 0011) so that every process on
// one PostgreSQL shares the budget. On SQLite — one process by design (start:cluster needs
// PostgreSQL) — it is counted in that process's memory: a write on the main thread's connection
// would wait, synchronously and blocking every request, for the writer thread's lock (measured
// with bench:load: 8.6 ms per sync request, the largest single cost of the main thread). Over budget: 429 `rate_limited` with Retry-After (seconds to the window's end). It runs
// after the access rule (the user is known) and before the body is read.
//
// heavyGate: at most HEAVY_CONCURRENCY heavy requests (sync, rankings, exports) are served at once
// by a process; one more is answered at once with 503 `busy` and Retry-After, never queued, so a
// burst cannot pile up memory or starve the cheap requests.
//
// Both refuse before the body is read, so they answer with `Connection: close` (server/http/
// refusals.ts) and the phone reconnects; its outbox keeps everything.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { countRequest } from '../repositories/rate-limits';
import { errorBody } from './errors';
import { countRefused, heavyInFlight } from '../ops/metrics';

export type RateBucket = 'sync' | 'export';
export const RATE_WINDOW_MS = 60_000;

export function rateLimit(bucket: RateBucket): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) return next(); // the access rule before this has already refused anonymous callers
    const { db, dialect, config, now } = c.get('deps');
    const limit = bucket === 'sync' ? config.syncRatePerMinute : config.exportRatePerMinute;
    const nowMs = now().getTime();
    const key = `${bucket}:${user.id}`;
    const { count, windowStart } = dialect === 'sqlite'
      ? memoryCounterFor(db).count(key, nowMs, RATE_WINDOW_MS)
      : await countRequest(db, key, nowMs, RATE_WINDOW_MS);
    if (count > limit) {
      countRefused(`rate_${bucket}`);
      const retryAfter = Math.max(1, Math.ceil((windowStart + RATE_WINDOW_MS - nowMs) / 1000));
      c.header('Retry-After', String(retryAfter));
      return c.json(errorBody('rate_limited', `请求过于频繁，请 ${retryAfter} 秒后再试`), 429);
    }
    return next();
  };
}

/** Fixed-window counters in memory, the same rule as countRequest: an ended window restarts at 1. */
export class MemoryWindowCounter {
  private readonly windows = new Map<string, { windowStart: number; count: number }>();
  count(key: string, nowMs: number, windowMs: number): { count: number; windowStart: number } {
    const current = this.windows.get(key);
    if (current && current.windowStart > nowMs - windowMs) {
      current.count++;
      return { ...current };
    }
    if (this.windows.size > 10_000) this.forgetEnded(nowMs, windowMs);
    const fresh = { windowStart: nowMs, count: 1 };
    this.windows.set(key, fresh);
    return { ...fresh };
  }
  private forgetEnded(nowMs: number, windowMs: number): void {
    for (const [key, w] of this.windows) if (w.windowStart <= nowMs - windowMs) this.windows.delete(key);
  }
}

// One counter per database handle: app instances sharing a process and its database share it.
const memoryCounters = new WeakMap<object, MemoryWindowCounter>();
function memoryCounterFor(db: object): MemoryWindowCounter {
  let counter = memoryCounters.get(db);
  if (!counter) memoryCounters.set(db, (counter = new MemoryWindowCounter()));
  return counter;
}

/** A counting semaphore without a queue: take() fails when full. */
export class Gate {
  private inUse = 0;
  constructor(private readonly size: number) {}
  take(): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse++;
    return true;
  }
  release(): void {
    this.inUse = Math.max(0, this.inUse - 1);
  }
  get used(): number {
    return this.inUse;
  }
}

const gates = new WeakMap<object, Gate>();
const HEAVY_RETRY_AFTER_S = 2;

function gateOf(deps: object & { config: { heavyConcurrency: number } }): Gate {
  let gate = gates.get(deps);
  if (!gate) gates.set(deps, (gate = new Gate(deps.config.heavyConcurrency)));
  return gate;
}

/** One gate per app's deps (a test's app does not share the gate of another). */
export const heavyGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const gate = gateOf(c.get('deps'));
  if (!gate.take()) {
    countRefused('busy');
    c.header('Retry-After', String(HEAVY_RETRY_AFTER_S));
    return c.json(errorBody('busy', '服务器繁忙，请稍后再试'), 503);
  }
  heavyInFlight.inc();
  try {
    await next();
  } finally {
    gate.release();
    heavyInFlight.dec();
  }
};
