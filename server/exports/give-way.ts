// The export thread gives way to sync: the main thread counts the POST /api/sync requests it is
// serving in a SharedArrayBuffer that the export thread also sees, and the export thread, between
// two pages (CSV) or slices (XLSX), waits while that count is above zero, at most a few ms each
// time (Atomics.wait: the thread sleeps, it does not spin, and is woken as soon as the last push in
// flight is answered). The export then uses the CPU mostly between pushes, not while one is being
// served; it costs the export's time only, never the main thread's. The bound keeps an export going
// while phones push back to back.
//
// Off by default (EXPORT_GIVE_WAY_MS=0): measured with bench:export (docs/performance.md, design E)
// a bound of 20 ms made exports 2–5× slower and sync during them no better, rather worse (CSV
// 1.22×/1.46× against 0.89×/1.23× without, XLSX 2.45× against 1.24×/0.88×, same minutes).
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

/** How long the export thread waits at most between two pages or slices while sync is busy (0: not at all). */
export const DEFAULT_GIVE_WAY_MS = 0;

export class InFlightGauge {
  readonly buffer: SharedArrayBuffer;
  private readonly count: Int32Array;

  /** `buffer`: the main thread's gauge, as the export thread receives it (workerData). */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.count = new Int32Array(this.buffer);
  }

  get inFlight(): number {
    return Atomics.load(this.count, 0);
  }

  enter(): void {
    Atomics.add(this.count, 0, 1);
  }

  leave(): void {
    if (Atomics.sub(this.count, 0, 1) === 1) Atomics.notify(this.count, 0);
  }

  /**
   * Blocks the calling thread while requests are in flight, at most `maxMs`; returns the ms it
   * waited. Only for a worker thread (the main thread must never block).
   */
  waitIdle(maxMs: number): number {
    const t0 = performance.now();
    for (;;) {
      const n = Atomics.load(this.count, 0);
      const left = t0 + maxMs - performance.now();
      if (n <= 0 || left <= 0) break;
      Atomics.wait(this.count, 0, n, left);
    }
    return performance.now() - t0;
  }
}

/** The sync requests this process is serving; the export thread reads it (thread.ts). */
export const syncInFlight = new InFlightGauge();

/** Counts a request in syncInFlight while it is served (POST /api/sync, server/sync/routes.ts). */
export const countSyncInFlight: MiddlewareHandler<AppEnv> = async (_c, next) => {
  syncInFlight.enter();
  try {
    await next();
  } finally {
    syncInFlight.leave();
  }
};

/** EXPORT_GIVE_WAY_MS (0 turns the waiting off), else DEFAULT_GIVE_WAY_MS. */
export function giveWayMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.EXPORT_GIVE_WAY_MS ?? DEFAULT_GIVE_WAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_GIVE_WAY_MS;
}
