// The pull half of POST /api/sync: changes since the client's cursor, per scope, paged.
//
// Why the cursor never skips: change numbers are allocated per scope inside the writing
// transaction, under the row lock of the scope's counter (server/db/changes.ts). A writer that
// got number N holds that lock until it commits, so N+1 cannot be committed before N. Whatever
// snapshot the SELECT below sees is therefore a gap-free prefix of the scope's log, and
// "cursor = last number returned" is safe.
//
// Rows are read after the change list, in separate statements. A row may meanwhile have changed
// again: the phone then receives the newer row now and once more with its newer change number.
// Upserts are idempotent on the phone, so it converges; nothing is lost or reordered.
//
// Own rows: an entry the phone created in this very request is not sent back in this answer
// (the cursor still moves past it). The phone holds it already, exactly as sent, state
// 'submitted'; echoing it would only cost bytes on a slow network and the server's time. Only
// the change number the push itself allocated is left out: if anyone changed the entry again
// since, its newer change has a newer number and is sent as usual.
//
// Rows of recent changes come from memory when another phone's pull just read them for the same
// change number (./pull-cache.ts: never older than the change asked for).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { PulledEntity, RowTable, ScopeChanges } from '../../shared/protocol/sync';
import { encodeRows, type PulledDtos } from '../../shared/protocol/tables';
import { listChangesAfter, type ChangeRow } from '../repositories/changes-page';
import { loadPulledRows, type PulledRow } from '../repositories/pulled-rows';
import type { OwnRows } from './push';
import { pulledRowCacheOf, type PulledRowCache } from './pull-cache';

export interface PullResult { changes: ScopeChanges[]; hasMore: boolean }

/**
 * One page per scope, in the order given. `limit` is shared by all scopes of the response: the
 * first scopes fill it, later ones answer with no rows, their unchanged cursor and hasMore.
 */
export async function pullChanges(
  db: Kysely<Database>,
  scopes: readonly string[],
  cursors: Readonly<Record<string, number>>,
  limit: number,
  ownRows: OwnRows = new Map(),
  cache: PulledRowCache = pulledRowCacheOf(db),
): Promise<PullResult> {
  let budget = limit;
  const changes: ScopeChanges[] = [];
  for (const scope of scopes) {
    const after = cursors[scope] ?? 0;
    // One more than we may return tells whether the scope has more (also when budget is 0).
    const rows = await listChangesAfter(db, scope, after, budget + 1);
    const page = rows.slice(0, budget);
    budget -= page.length;
    const own = ownRows.get(scope);
    const toSend = own ? page.filter((ch) => own.get(`${ch.entity} ${ch.entityId}`) !== ch.seq) : page;
    changes.push({
      ...(await buildPage(db, cache, scope, toSend)),
      cursor: page.length > 0 ? page[page.length - 1].seq : after,
      hasMore: rows.length > page.length,
    });
  }
  return { changes, hasMore: changes.some((c) => c.hasMore) };
}

async function buildPage(db: Kysely<Database>, cache: PulledRowCache, scope: string, page: ChangeRow[]): Promise<Pick<ScopeChanges, 'scope' | 'tables' | 'deleted'>> {
  const byEntity = new Map<PulledEntity, ChangeRow[]>();
  for (const ch of page) {
    const list = byEntity.get(ch.entity) ?? [];
    list.push(ch);
    byEntity.set(ch.entity, list);
  }
  const tables: Partial<Record<PulledEntity, RowTable>> = {};
  const deleted: ScopeChanges['deleted'] = [];
  for (const [entity, list] of byEntity) {
    const cached = new Map<number, PulledRow<PulledEntity>>();
    const toRead: ChangeRow[] = [];
    for (const ch of list) {
      if (ch.op !== 'upsert') continue;
      const row = cache.get(scope, ch.seq, entity, ch.entityId);
      if (row) cached.set(ch.seq, row); else toRead.push(ch);
    }
    const live = await loadPulledRows(db, entity, toRead.map((c) => c.entityId));
    for (const ch of toRead) {
      const row = live.get(ch.entityId);
      if (row) cache.set(scope, ch.seq, entity, ch.entityId, row);
    }
    const dtos: PulledDtos[PulledEntity][] = [];
    for (const ch of list) {
      const row = cached.get(ch.seq) ?? live.get(ch.entityId);
      if (ch.op === 'delete' || !row) {
        // Deleted, or gone since it was logged (soft delete without a tombstone): the phone must drop it.
        deleted.push({ entity, id: ch.entityId });
      } else if (row.scope === scope) {
        dtos.push(row.dto);
      }
      // else: logged under a scope it no longer belongs to; its current scope's log carries it.
    }
    if (dtos.length > 0) tables[entity] = encodeRows(entity, dtos as PulledDtos[typeof entity][]);
  }
  return { scope, tables, deleted };
}
