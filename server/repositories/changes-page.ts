// Reads the pull log (table `changes`, written by recordChanges in server/db/changes.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { PulledEntity } from '../../shared/protocol/sync';

export interface ChangeRow { entity: PulledEntity; entityId: string; seq: number; op: 'upsert' | 'delete' }

/** Up to `limit` changes of a scope after `afterSeq`, in change order (index changes_scope_seq). */
export async function listChangesAfter(db: Kysely<Database>, scope: string, afterSeq: number, limit: number): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom('changes')
    .select(['entity', 'entity_id', 'seq', 'op'])
    .where('scope', '=', scope)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    entity: r.entity as PulledEntity,
    entityId: r.entity_id,
    seq: Number(r.seq),
    op: r.op === 'delete' ? 'delete' : 'upsert',
  }));
}

/** Distinct townships of these villages: the catalogue scopes a user of them pulls. */
export async function listTownshipIdsOfVillages(db: Kysely<Database>, villageIds: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  // Chunked: an admin without a township sees every village.
  for (let i = 0; i < villageIds.length; i += 500) {
    const rows = await db.selectFrom('villages').select('township_id').distinct()
      .where('id', 'in', villageIds.slice(i, i + 500)).execute();
    for (const r of rows) out.add(r.township_id);
  }
  return [...out];
}
