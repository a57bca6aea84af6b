// The background catch-up: rebuilds kept tallies from the ledger for villages that were never
// rebuilt (a database from before migration 0006, or rows a bulk seed wrote without tallies), one
// village per write transaction (a few thousand entries, read through entries' village index),
// yielding between villages so requests keep being served. Start-up never waits for it: main.ts
// starts it after the server listens, and reads show `catchUpPending` meanwhile.
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import { listVillagesToRebuild, recomputeVillageTallies } from '../repositories/tallies';

export interface CatchUpHandle {
  /** Resolves with the number of villages rebuilt when the work list is empty or stop() was called. */
  done: Promise<number>;
  stop(): void;
}

const PAGE = 50;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rebuilds every village not rebuilt yet; `now` stamps the rows. */
export function startTallyCatchUp(deps: TransactionDeps & { now: () => Date }, opts: { onVillage?: (n: number) => void } = {}): CatchUpHandle {
  let stopped = false;
  const done = (async () => {
    let rebuilt = 0;
    while (!stopped) {
      const page = await listVillagesToRebuild(deps.db, PAGE);
      if (page.length === 0) break;
      for (const villageId of page) {
        if (stopped) break;
        await writeTransaction(deps, (trx) => recomputeVillageTallies(trx, villageId, deps.now().toISOString()));
        rebuilt++;
        opts.onVillage?.(rebuilt);
        await yieldToRequests();
      }
    }
    return rebuilt;
  })();
  return { done, stop: () => { stopped = true; } };
}
