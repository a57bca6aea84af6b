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
// Bounded (the oldest kept row dropped first: pulls ask for recent changes, so the order rows
// were kept in is the order they stop being asked for) and short-lived: only the seconds in which
// the phones of a village catch up on each other's pushes matter. A page asks for hundreds of rows
// per request, so a lookup is two map reads on the scope's text and the change number, with no key
// built per row.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { PulledEntity } from '../../shared/protocol/sync';
import type { PulledRow } from '../repositories/pulled-rows';

const MAX_ROWS = 20_000;
const MAX_AGE_MS = 120_000;

interface Kept { entity: PulledEntity; id: string; row: PulledRow<PulledEntity>; at: number }
type ScopeRows = Map<number, Kept>;

export class PulledRowCache {
  private readonly scopes = new Map<string, ScopeRows>();
  /** Every kept row in the order it was kept (a row kept again appears twice; only its newest place counts). */
  private readonly order: { rows: ScopeRows; seq: number; kept: Kept }[] = [];
  private head = 0;
  private count = 0;
  constructor(private readonly maxRows = MAX_ROWS, private readonly maxAgeMs = MAX_AGE_MS, private readonly now = () => Date.now()) {}

  /** The row kept for change `seq` of `scope`, if it names this entity and id. */
  get<K extends PulledEntity>(scope: string, seq: number, entity: K, id: string): PulledRow<K> | undefined {
    const rows = this.scopes.get(scope);
    const kept = rows?.get(seq);
    if (!rows || !kept) return undefined;
    if (kept.entity !== entity || kept.id !== id || this.now() - kept.at > this.maxAgeMs) {
      rows.delete(seq);
      this.count--;
      return undefined;
    }
    return kept.row as PulledRow<K>;
  }

  set<K extends PulledEntity>(scope: string, seq: number, entity: K, id: string, row: PulledRow<K>): void {
    let rows = this.scopes.get(scope);
    if (!rows) { rows = new Map(); this.scopes.set(scope, rows); }
    const kept: Kept = { entity, id, row: row as PulledRow<PulledEntity>, at: this.now() };
    if (!rows.has(seq)) this.count++;
    rows.set(seq, kept);
    this.order.push({ rows, seq, kept });
    while (this.count > this.maxRows) this.dropOldest();
    // The queue's consumed front is cut off now and then, not on every drop.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number { return this.count; }

  private dropOldest(): void {
    const oldest = this.order[this.head++];
    if (oldest.rows.get(oldest.seq) === oldest.kept) {
      oldest.rows.delete(oldest.seq);
      this.count--;
    }
  }
}

/** One cache per database handle (tests open many databases in one process). */
const caches = new WeakMap<Kysely<Database>, PulledRowCache>();

export function pulledRowCacheOf(db: Kysely<Database>): PulledRowCache {
  let cache = caches.get(db);
  if (!cache) { cache = new PulledRowCache(); caches.set(db, cache); }
  return cache;
}
