// The background catch-up: rebuilds kept tallies from the ledger for villages that were never
// rebuilt (a database from before migration 0006, or rows a bulk seed wrote without tallies), one
// village per write transaction (a few thousand entries, read through entries' village index),
// yielding between villages so requests keep being served. Start-up never waits for it: main.ts
// starts it after the server listens, and reads show `catchUpPending` meanwhile.
// Then it computes the ranking figures of kept rows that have none (rows from before migration
// 0024; read through the partial index that holds only those), also one village per transaction;
// until then the ranking computes those villages' figures from their household tallies.
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import { fillVillageFigures, listVillagesToRebuild, listVillagesWithoutFigures, recomputeVillageTallies } from '../repositories/tallies';

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
    const tried = new Set<string>();
    while (!stopped) {
      // A village that is gone keeps its rows without figures: tried once, not forever.
      const page = (await listVillagesWithoutFigures(deps.db, PAGE + tried.size)).filter((id) => !tried.has(id));
      if (page.length === 0) break;
      for (const villageId of page) {
        tried.add(villageId);
        if (stopped) break;
        await writeTransaction(deps, (trx) => fillVillageFigures(trx, villageId));
        await yieldToRequests();
      }
    }
    return rebuilt;
  })();
  return { done, stop: () => { stopped = true; } };
}
