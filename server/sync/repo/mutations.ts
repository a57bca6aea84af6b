// sync_mutations: the idempotency record of every pushed mutation (primary key = client id).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { MutationStatus } from '../../../shared/protocol/sync';
import { MUTATION_STATUSES } from '../../../shared/protocol/sync';
import type { Outcome } from '../outcome';

export interface NewMutation {
  id: string; userId: string; deviceId: string; deviceSeq: number; kind: string; contentHash: string; receivedAt: string;
}

export interface StoredMutation { id: string; userId: string; contentHash: string; outcome: Outcome }

/**
 * Claims the id: true when this call inserted the row, false when it already existed. One
 * statement (INSERT … ON CONFLICT DO NOTHING), so two concurrent pushes of one id cannot both
 * win: on PostgreSQL the second waits for the first to commit and then inserts nothing.
 * The status is provisional until saveOutcome, in the same transaction.
 */
export async function claimMutation(trx: Kysely<Database>, m: NewMutation): Promise<boolean> {
  const row = await trx
    .insertInto('sync_mutations')
    .values({
      id: m.id, user_id: m.userId, device_id: m.deviceId, device_seq: m.deviceSeq, kind: m.kind,
      content_hash: m.contentHash, status: 'applied', code: null, entity_id: null, received_at: m.receivedAt,
      message: null, fields: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findMutation(trx: Kysely<Database>, id: string): Promise<StoredMutation | null> {
  const r = await trx
    .selectFrom('sync_mutations')
    .select(['id', 'user_id', 'content_hash', 'status', 'code', 'message', 'fields'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  const status = (MUTATION_STATUSES as readonly string[]).includes(r.status) ? (r.status as MutationStatus) : 'applied';
  return {
    id: r.id,
    userId: r.user_id,
    contentHash: r.content_hash,
    outcome: {
      status,
      ...(r.code ? { code: r.code } : {}),
      ...(r.message ? { message: r.message } : {}),
      ...(r.fields ? { fields: r.fields.split(',') } : {}),
    },
  };
}

export async function saveOutcome(trx: Kysely<Database>, id: string, o: Outcome, entityId: string | null): Promise<void> {
  await trx
    .updateTable('sync_mutations')
    .set({
      status: o.status, code: o.code ?? null, message: o.message ?? null,
      fields: o.fields && o.fields.length > 0 ? o.fields.join(',') : null, entity_id: entityId,
    })
    .where('id', '=', id)
    .execute();
}
