// A stand-in for Web Locks on browsers without navigator.locks (older Android WebViews and some
// domestic browsers): a lease row in IndexedDB, taken in a readwrite transaction (IndexedDB runs
// those one at a time per store, across tabs), renewed while the holder works, and expiring on
// its own when a tab dies holding it. Weaker than a lock (a tab frozen longer than the lease can
// overlap with the next holder), which is acceptable: the server deduplicates by mutation id.
import { db } from '../db/db';
import { META } from '../db/meta';

export const LEASE_MS = 30_000;

interface Lease {
  holder: string;
  until: number;
}

async function acquire(holder: string, now: number): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const row = (await db.meta.get(META.syncLease))?.value as Lease | undefined;
    if (row && row.holder !== holder && row.until > now) return false;
    await db.meta.put({ key: META.syncLease, value: { holder, until: now + LEASE_MS } satisfies Lease });
    return true;
  });
}

async function release(holder: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const row = (await db.meta.get(META.syncLease))?.value as Lease | undefined;
    if (row?.holder === holder) await db.meta.delete(META.syncLease);
  });
}

/**
 * Runs `fn` while holding the lease, or returns `busy` at once when another holder has it.
 * @param holder who asks (one id per runner, i.e. per tab)
 * @param now the clock (injectable for tests)
 */
export async function withLease<T, B>(
  holder: string, fn: () => Promise<T>, busy: B, now: () => number = Date.now,
): Promise<T | B> {
  if (!(await acquire(holder, now()))) return busy;
  const renew = setInterval(() => {
    void acquire(holder, now()).catch(() => undefined);
  }, LEASE_MS / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await release(holder).catch(() => undefined);
  }
}
