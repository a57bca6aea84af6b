// A pushed batch's write transaction as a plain, copyable value: what push.ts hands to whoever
// runs it, in this thread (runBatchJob) or in the SQLite writer thread (server/sync/writer/).
// Everything here survives structured cloning (postMessage), so both runners see the same job.
import type { SessionUser } from '../context';
import type { Mutation } from '../../shared/protocol/sync';
import type { Outcome } from './outcome';
import type { PreparedId } from './sealed-id';

/** A valid mutation with its hashes, computed before the transaction (they need no database). */
export interface BatchItem {
  m: Mutation;
  /** sha256 of mutationContent(m): the idempotency record compares it on a replay. */
  contentHash: string;
  /** entry.create only: sha256 of the entry's canonical payload (apply-entry.ts entryContentHash). */
  entryHash: string | null;
  /** person.create / person.update with an ID number: opened and checked before the transaction (sealed-id.ts). */
  preparedId?: PreparedId | null;
}

export interface BatchJob {
  user: SessionUser;
  deviceId: string;
  /** Valid, de-duplicated items in device order. */
  items: BatchItem[];
  /** The server time of the push (the injected clock), one for the whole batch. */
  nowMs: number;
}

/** Change numbers of rows the pushing phone already holds as they are: scope → `entity id` → seq. */
export type OwnRows = Map<string, Map<string, number>>;

/** One outcome per item (undefined from an unexpected error on), and the batch's own rows. */
export interface BatchOutcome { outcomes: (Outcome | undefined)[]; ownRows: OwnRows }

/** Runs a job's write transaction; rejects when nothing of it was committed. */
export interface BatchRunner {
  run(job: BatchJob): Promise<BatchOutcome>;
}
