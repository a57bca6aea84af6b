// sync_mutations: the idempotency record of every pushed mutation (primary key = client id).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { MutationStatus } from '../../shared/protocol/sync';
import { MUTATION_STATUSES } from '../../shared/protocol/sync';
import type { Outcome } from '../sync/outcome';
import type { Dialect } from '../db/connect';
import { insertRows } from './bulk-sql';

export interface NewMutation {
  id: string; userId: string; deviceId: string; deviceSeq: number; kind: string; contentHash: string; receivedAt: string;
  /** The entity the mutation is about (the answer 'applied' is assumed until saveOutcome says otherwise). */
  entityId: string | null;
}

export interface StoredMutation { id: string; userId: string; contentHash: string; outcome: Outcome }

/**
 * Claims the id: true when this call inserted the row, false when it already existed. One
 * statement (INSERT … ON CONFLICT DO NOTHING), so two concurrent pushes of one id cannot both
 * win: on PostgreSQL the second waits for the first to commit and then inserts nothing.
 * The row says 'applied' from the start; any other answer is written by saveOutcome in the same
 * transaction, so an applied item costs no second write.
 */
export async function claimMutation(trx: Kysely<Database>, m: NewMutation): Promise<boolean> {
  const row = await trx
    .insertInto('sync_mutations')
    .values({
      id: m.id, user_id: m.userId, device_id: m.deviceId, device_seq: m.deviceSeq, kind: m.kind,
      content_hash: m.contentHash, status: 'applied', code: null, entity_id: m.entityId, received_at: m.receivedAt,
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
  return r ? toStored(r) : null;
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

// ---- whole-batch forms (push.ts, buffered run) ----------------------------------------------

const CHUNK = 400;

const MUTATION_COLUMNS = [
  'id', 'user_id', 'device_id', 'device_seq', 'kind', 'content_hash', 'status', 'code', 'entity_id', 'received_at', 'message', 'fields',
] as const;

/** claimMutation for many at once (multi-row statements); returns the ids this call inserted. */
export async function claimMutations(trx: Kysely<Database>, dialect: Dialect, ms: readonly NewMutation[]): Promise<Set<string>> {
  const values = ms.map((m) => [m.id, m.userId, m.deviceId, m.deviceSeq, m.kind, m.contentHash, 'applied', null, m.entityId, m.receivedAt, null, null]);
  const rows = await insertRows<{ id: string }>(trx, dialect, 'sync_mutations', MUTATION_COLUMNS, values, 'on conflict (id) do nothing returning id', CHUNK);
  return new Set(rows.map((r) => r.id));
}

/** Un-claims ids (items of a batch that stopped before reaching them). */
export async function deleteMutations(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await trx.deleteFrom('sync_mutations').where('id', 'in', ids.slice(i, i + CHUNK)).execute();
}

/** saveOutcome for many: one UPDATE per distinct answer (a batch refused for one reason is one statement). */
export async function saveOutcomes(trx: Kysely<Database>, items: readonly { id: string; outcome: Outcome; entityId: string | null }[]): Promise<void> {
  const groups = new Map<string, { first: (typeof items)[number]; ids: string[] }>();
  for (const it of items) {
    const key = JSON.stringify([it.outcome.status, it.outcome.code ?? null, it.outcome.message ?? null, it.outcome.fields ?? null, it.entityId]);
    const g = groups.get(key);
    if (g) g.ids.push(it.id);
    else groups.set(key, { first: it, ids: [it.id] });
  }
  for (const { first, ids } of groups.values()) {
    const o = first.outcome;
    for (let i = 0; i < ids.length; i += CHUNK) {
      await trx.updateTable('sync_mutations')
        .set({
          status: o.status, code: o.code ?? null, message: o.message ?? null,
          fields: o.fields && o.fields.length > 0 ? o.fields.join(',') : null, entity_id: first.entityId,
        })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }
}

/** findMutation for many (ids that were not claimed: someone has them). */
export async function findMutations(trx: Kysely<Database>, ids: readonly string[]): Promise<Map<string, StoredMutation>> {
  const out = new Map<string, StoredMutation>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx.selectFrom('sync_mutations')
      .select(['id', 'user_id', 'content_hash', 'status', 'code', 'message', 'fields'])
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.id, toStored(r));
  }
  return out;
}

function toStored(r: { id: string; user_id: string; content_hash: string; status: string; code: string | null; message: string | null; fields: string | null }): StoredMutation {
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
