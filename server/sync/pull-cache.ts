// Rows of recent changes, kept in memory for the pulls that follow (issue 10, bench:load): a row
// that one phone pushes is pulled by every other phone of its village, and each of those pulls
// read it from the database again (the largest statement on the main thread under load).
//
// Keyed by the change that named the row — (scope, change number) — never by the row alone. The
// row kept for change N is what the database held when some pull of N read it: that version or a
// newer one (pull.ts), so serving it again for N is what a fresh read could have answered. A later
// change of the row has a higher number, misses the cache and is read afresh. So the cache never
// serves a row older than the change asked for, and it works unchanged with several server
// processes: a change number means the same thing in all of them.
//
// Bounded (least recently used dropped first) and short-lived: only the seconds in which the
// phones of a village catch up on each other's pushes matter.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { PulledEntity } from '../../shared/protocol/sync';
import type { PulledRow } from '../repositories/pulled-rows';

const MAX_ROWS = 20_000;
const MAX_AGE_MS = 120_000;

interface Kept { entity: PulledEntity; id: string; row: PulledRow<PulledEntity>; at: number }

export class PulledRowCache {
  private readonly rows = new Map<string, Kept>();
  constructor(private readonly maxRows = MAX_ROWS, private readonly maxAgeMs = MAX_AGE_MS, private readonly now = () => Date.now()) {}

  /** The row kept for change `seq` of `scope`, if it names this entity and id. */
  get<K extends PulledEntity>(scope: string, seq: number, entity: K, id: string): PulledRow<K> | undefined {
    const key = `${scope}#${seq}`;
    const kept = this.rows.get(key);
    if (!kept) return undefined;
    if (kept.entity !== entity || kept.id !== id || this.now() - kept.at > this.maxAgeMs) {
      this.rows.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.rows.delete(key);
    this.rows.set(key, kept);
    return kept.row as PulledRow<K>;
  }

  set<K extends PulledEntity>(scope: string, seq: number, entity: K, id: string, row: PulledRow<K>): void {
    const key = `${scope}#${seq}`;
    this.rows.delete(key);
    this.rows.set(key, { entity, id, row: row as PulledRow<PulledEntity>, at: this.now() });
    while (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value!);
  }

  get size(): number { return this.rows.size; }
}

/** One cache per database handle (tests open many databases in one process). */
const caches = new WeakMap<Kysely<Database>, PulledRowCache>();

export function pulledRowCacheOf(db: Kysely<Database>): PulledRowCache {
  let cache = caches.get(db);
  if (!cache) { cache = new PulledRowCache(); caches.set(db, cache); }
  return cache;
}
