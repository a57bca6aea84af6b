// The pull log. Every write that a phone must learn about calls recordChanges() inside its own
// transaction. Change numbers come from a per-scope counter bumped in that same transaction
// (UPDATE … SET change_seq = change_seq + n RETURNING change_seq): the row lock on the counter
// serialises writers of one scope, so commit order equals change order and a reader holding
// cursor N can never later see a change numbered ≤ N appear. See docs/sync-protocol.md.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';
import type { PulledEntity } from '../../shared/protocol/sync';

type Trx = Transaction<Database> | Kysely<Database>;

export function parseScope(scope: string): { kind: 'village' | 'township'; id: string } {
  const [kind, id] = scope.split(':', 2);
  if ((kind !== 'village' && kind !== 'township') || !id) throw new Error(`bad scope ${scope}`);
  return { kind, id };
}

/** Reserves n change numbers in a scope; returns the first of them. Must run inside a transaction. */
export async function allocateSeqs(trx: Trx, scope: string, n: number): Promise<number> {
  const { kind, id } = parseScope(scope);
  const table = kind === 'village' ? 'villages' : 'townships';
  const row = await trx
    .updateTable(table)
    .set((eb) => ({ change_seq: eb('change_seq', '+', n) }))
    .where('id', '=', id)
    .returning('change_seq')
    .executeTakeFirstOrThrow();
  return row.change_seq - n + 1;
}

const CHUNK = 400;

/**
 * Marks entities as changed (upsert) or deleted (tombstone) in a scope, in the caller's transaction.
 * Returns the change number of the first id; the others follow in order (null when ids is empty).
 */
export async function recordChanges(
  trx: Trx,
  scope: string,
  entity: PulledEntity,
  ids: readonly string[],
  op: 'upsert' | 'delete' = 'upsert',
): Promise<number | null> {
  if (ids.length === 0) return null;
  const first = await allocateSeqs(trx, scope, ids.length);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const values = ids.slice(i, i + CHUNK).map((entityId, j) => ({ entity, entity_id: entityId, scope, seq: first + i + j, op }));
    await trx
      .insertInto('changes')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['entity', 'entity_id']).doUpdateSet((eb) => ({
          seq: eb.ref('excluded.seq'),
          scope: eb.ref('excluded.scope'),
          op: eb.ref('excluded.op'),
        })),
      )
      .execute();
  }
  return first;
}
