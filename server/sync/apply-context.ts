// What an apply step gets: the batch's open write transaction, who is pushing from where, the
// batch's preloaded reads, and where to note what it changed.
import crypto from 'node:crypto';
import type { WriteTrx } from '../db/transaction';
import type { Dialect } from '../db/connect';
import type { SessionUser } from '../context';
import type { PulledEntity } from '../../shared/protocol/sync';
import type { Outcome } from './outcome';
import type { BatchCache } from './batch-cache';
import type { EntryWrites } from './entry-writes';
import type { PreparedId } from './sealed-id';

export interface ApplyContext {
  trx: WriteTrx;
  dialect: Dialect;
  user: SessionUser;
  deviceId: string;
  /** Server time of the push (the injected clock), never the device's. */
  now: Date;
  /** The same, as stored (ISO 8601), computed once per batch. */
  nowIso: string;
  mutationId: string;
  /** entry.create: the entry's content hash, computed before the transaction (entryContentHash). */
  entryHash: string | null;
  /** The mutation's ID number in stored form, or why it was refused (sealed-id.ts); null without one. */
  preparedId: PreparedId | null;
  cache: BatchCache;
  /** Entry writes, and the reads that depend on the batch's own writes (see entry-writes.ts). */
  writes: EntryWrites;
  /**
   * Notes that a pulled entity changed in a scope. The batch writes these to the change log
   * (recordChanges) once, after its last item and before it commits, and only for items it kept.
   * Row locks are thus taken before the scope counters, as server/db/changes.ts asks.
   * `senderHolds`: the row is exactly what the pushing phone already holds (an entry it created),
   * so this request's own pull leaves it out (pull.ts, "own rows").
   */
  logChange(scope: string, entity: PulledEntity, id: string, senderHolds?: boolean): void;
  /** Runs `fn` once this item's writes are kept (its savepoint released); dropped otherwise. */
  afterItem(fn: () => void): void;
}

/** The result of a successful apply step; a refusal is a thrown RuleFailure instead. */
export interface Applied {
  outcome: Outcome;
  /** The entity the mutation is about, kept on its sync_mutations row. */
  entityId: string | null;
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
