// Retry delays of the sync runner: capped exponential backoff with jitter. It never gives up: the
// delay stops growing at the cap, and online / visibility / app-open events retry at once.
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/** Delay before retry number `failures` (1 = first retry); "equal jitter" keeps at least half. */
export function backoffDelayMs(failures: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
