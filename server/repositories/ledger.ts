// The ledger core (LEDGER_CONTRACT.md; pure rules in shared/domain/ledger.ts). The one home of
// ledger SQL: every point, item and fen moves through postTransfer / settlePending, and every
// balance is a sum of legs (never a stored number that code increments).
//
// Call these inside writeTransaction (server/db/transaction.ts). Never-negative accounts are
// checked in the same transaction as the write:
// - PostgreSQL: the accounts' rows are locked (SELECT … FOR UPDATE) in id order before their
//   balances are read, so two transfers on one account queue, and always in one order (no
//   deadlock between transfers touching the same accounts in a different order).
// - SQLite: writeTransaction's BEGIN IMMEDIATE holds the database's one write lock from the start,
//   so no other writer runs between the balance read and the insert.
import crypto from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import { supportsRowLocks } from './locks';
import { AppError, conflict } from '../http/errors';
import {
  accountKey, accountRule, checkTransfer, netByAccount, parseAccountKey, transferBody, wouldOverdraw, UNIT_LABEL,
  type AccountRef, type Leg, type TransferInput, type TransferStatus, type Unit,
} from '../../shared/domain/ledger';

export type { AccountRef, Leg, TransferInput } from '../../shared/domain/ledger';

const CHUNK = 400;

/**
 * Posts a transfer (or records it pending). Idempotent by key: the same key with the same body
 * returns the first transfer (replayed: true) and writes nothing; with a different body → 409
 * LEDGER_KEY_REUSED. Malformed transfers → 400 (code from checkTransfer). A never-negative
 * account that would go below zero (pending debits included) → 409 LEDGER_INSUFFICIENT.
 */
export async function postTransfer(trx: Queryable, t: TransferInput): Promise<{ transferId: string; replayed: boolean }> {
  const problem = checkTransfer(t);
  if (problem) throw new AppError(400, problem.code, problem.message);
  const status: TransferStatus = t.status ?? 'posted';
  const bodyHash = crypto.createHash('sha256').update(transferBody(t)).digest('hex');

  const prior = await findByKey(trx, t.idempotencyKey);
  if (prior) return replayOrRefuse(prior, bodyHash);

  const nets = [...netByAccount(t.legs)].filter(([, n]) => n !== 0);
  if (nets.length < 2) throw new AppError(400, 'LEDGER_TOO_FEW_LEGS', '一笔转账至少要涉及两个账户');
  const ids = nets.map(([key]) => key); // sorted: netByAccount orders by key
  await ensureAccounts(trx, ids, t.townshipId, t.at);

  // Claim the key first: a concurrent transfer with the same key waits here on PostgreSQL (unique
  // index) and then finds the committed row.
  const transferId = uuidv7();
  const inserted = await trx.insertInto('ledger_transfers').values({
    id: transferId, idempotency_key: t.idempotencyKey, body_hash: bodyHash, kind: t.kind, unit: t.unit, status,
    township_id: t.townshipId, village_id: t.villageId, memo: t.memo ?? '', actor_id: t.actorId, at: t.at,
    settled_by: null, settled_at: null,
  }).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').executeTakeFirst();
  if (!inserted) {
    const again = await findByKey(trx, t.idempotencyKey);
    if (!again) throw new Error('ledger: idempotency key vanished');
    return replayOrRefuse(again, bodyHash);
  }

  const debited = nets.filter(([key, net]) => net < 0 && !accountRule(parseAccountKey(key).kind)!.mayGoNegative).map(([key]) => key);
  if (debited.length > 0) {
    await lockAccounts(trx, debited);
    const avail = await availableOf(trx, debited);
    for (const [key, net] of nets) {
      const kind = parseAccountKey(key).kind;
      if (wouldOverdraw(kind, avail.get(key) ?? 0, net)) {
        throw insufficient(key, t.unit, avail.get(key) ?? 0, -net);
      }
    }
  }
  for (let i = 0; i < nets.length; i += CHUNK) {
    await trx.insertInto('ledger_legs').values(nets.slice(i, i + CHUNK).map(([key, amount]) => ({
      transfer_id: transferId, account_id: key, amount, status, at: t.at,
    }))).execute();
  }
  return { transferId, replayed: false };
}

/**
 * Posts or voids a pending transfer (a reservation). Settling a transfer already in `to` is a
 * no-op (a retried hand-over); any other state → 409 LEDGER_NOT_PENDING. Posting never needs a
 * balance check: the pending debits already counted against the accounts.
 */
export async function settlePending(trx: Queryable, transferId: string, to: 'posted' | 'voided', actorId: string, at: string): Promise<void> {
  let q = trx.selectFrom('ledger_transfers').select(['status']).where('id', '=', transferId);
  if (supportsRowLocks(trx)) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError(404, 'LEDGER_NO_TRANSFER', '未找到该笔转账');
  if (row.status === to) return;
  if (row.status !== 'pending') throw conflict('LEDGER_NOT_PENDING', `该笔转账已${row.status === 'posted' ? '入账' : '作废'}，不能再${to === 'posted' ? '入账' : '作废'}`);
  await trx.updateTable('ledger_transfers').set({ status: to, settled_by: actorId, settled_at: at }).where('id', '=', transferId).execute();
  await trx.updateTable('ledger_legs').set({ status: to }).where('transfer_id', '=', transferId).execute();
}

/**
 * An account's balance: the sum of its posted legs; with includePending, the available balance
 * (posted plus pending debits: what may still be spent). Pending credits count only once posted.
 */
export async function balanceOf(db: Queryable, account: AccountRef, opts: { includePending?: boolean } = {}): Promise<number> {
  const b = await balancesOf(db, account);
  return opts.includePending ? b.available : b.posted;
}

export interface Balances { posted: number; pendingDebits: number; pendingCredits: number; available: number }

/** The parts of an account's balance (pendingDebits ≤ 0 ≤ pendingCredits; available = posted + pendingDebits). */
export async function balancesOf(db: Queryable, account: AccountRef): Promise<Balances> {
  const rows = await db.selectFrom('ledger_legs')
    .select((eb) => [
      'status',
      eb.fn.sum<number | string>(eb.case().when('amount', '<', 0).then(eb.ref('amount')).else(0).end()).as('debits'),
      eb.fn.sum<number | string>(eb.case().when('amount', '>', 0).then(eb.ref('amount')).else(0).end()).as('credits'),
    ])
    .where('account_id', '=', accountKey(account)).where('status', 'in', ['posted', 'pending'])
    .groupBy('status').execute();
  const out: Balances = { posted: 0, pendingDebits: 0, pendingCredits: 0, available: 0 };
  for (const r of rows) {
    if (r.status === 'posted') out.posted = Number(r.debits ?? 0) + Number(r.credits ?? 0);
    else { out.pendingDebits = Number(r.debits ?? 0); out.pendingCredits = Number(r.credits ?? 0); }
  }
  out.available = out.posted + out.pendingDebits;
  return out;
}

/** Posted balances of many accounts of one owner set (reports): account key → balance. */
export async function postedBalances(db: Queryable, accounts: readonly AccountRef[]): Promise<Map<string, number>> {
  const keys = [...new Set(accounts.map(accountKey))];
  const out = new Map<string, number>(keys.map((k) => [k, 0]));
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db.selectFrom('ledger_legs').select((eb) => ['account_id', eb.fn.sum<number | string>('amount').as('sum')])
      .where('account_id', 'in', keys.slice(i, i + CHUNK)).where('status', '=', 'posted').groupBy('account_id').execute();
    for (const r of rows) out.set(r.account_id, Number(r.sum ?? 0));
  }
  return out;
}

export interface TransferRow {
  id: string; idempotencyKey: string; kind: string; unit: Unit; status: TransferStatus; townshipId: string; villageId: string | null;
  memo: string; actorId: string; at: string; settledBy: string | null; settledAt: string | null; legs: Leg[];
}

/** One transfer with its legs (legs as stored: net per account). */
export async function getTransfer(db: Queryable, transferId: string): Promise<TransferRow | null> {
  const t = await db.selectFrom('ledger_transfers').selectAll().where('id', '=', transferId).executeTakeFirst();
  if (!t) return null;
  const legs = await db.selectFrom('ledger_legs').select(['account_id', 'amount']).where('transfer_id', '=', transferId).orderBy('account_id').execute();
  return {
    id: t.id, idempotencyKey: t.idempotency_key, kind: t.kind, unit: t.unit as Unit, status: t.status as TransferStatus,
    townshipId: t.township_id, villageId: t.village_id, memo: t.memo, actorId: t.actor_id, at: t.at,
    settledBy: t.settled_by, settledAt: t.settled_at,
    legs: legs.map((l) => ({ account: parseAccountKey(l.account_id), amount: Number(l.amount) })),
  };
}

export async function getTransferByKey(db: Queryable, idempotencyKey: string): Promise<TransferRow | null> {
  const row = await findByKey(db, idempotencyKey);
  return row ? getTransfer(db, row.id) : null;
}

export interface AccountLeg { transferId: string; kind: string; status: TransferStatus; amount: number; at: string; memo: string }

/** An account's history, newest first (posted, pending and voided legs). */
export async function legsOf(db: Queryable, account: AccountRef, opts: { limit?: number } = {}): Promise<AccountLeg[]> {
  const rows = await db.selectFrom('ledger_legs').innerJoin('ledger_transfers', 'ledger_transfers.id', 'ledger_legs.transfer_id')
    .select(['ledger_legs.transfer_id', 'ledger_transfers.kind', 'ledger_legs.status', 'ledger_legs.amount', 'ledger_legs.at', 'ledger_transfers.memo'])
    .where('ledger_legs.account_id', '=', accountKey(account))
    .orderBy('ledger_legs.at', 'desc').orderBy('ledger_legs.transfer_id', 'desc').limit(opts.limit ?? 200).execute();
  return rows.map((r) => ({ transferId: r.transfer_id, kind: r.kind, status: r.status as TransferStatus, amount: Number(r.amount), at: r.at, memo: r.memo }));
}

// ---- internals -------------------------------------------------------------------------------

async function findByKey(db: Queryable, key: string) {
  return db.selectFrom('ledger_transfers').select(['id', 'body_hash']).where('idempotency_key', '=', key).executeTakeFirst();
}

function replayOrRefuse(prior: { id: string; body_hash: string }, bodyHash: string) {
  if (prior.body_hash !== bodyHash) throw conflict('LEDGER_KEY_REUSED', '该幂等键已用于另一笔不同的转账');
  return { transferId: prior.id, replayed: true };
}

async function ensureAccounts(trx: Queryable, keys: readonly string[], townshipId: string, at: string): Promise<void> {
  const have = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await trx.selectFrom('ledger_accounts').select('id').where('id', 'in', keys.slice(i, i + CHUNK)).execute();
    for (const r of rows) have.add(r.id);
  }
  const missing = keys.filter((k) => !have.has(k));
  for (let i = 0; i < missing.length; i += CHUNK) {
    await trx.insertInto('ledger_accounts').values(missing.slice(i, i + CHUNK).map((id) => {
      const a = parseAccountKey(id);
      return { id, township_id: townshipId, kind: a.kind, owner_id: a.ownerId, item_id: a.itemId ?? '', year: a.year ?? 0, created_at: at };
    })).onConflict((oc) => oc.column('id').doNothing()).execute();
  }
}

/** PostgreSQL: lock the accounts' rows in id order (the caller passes them sorted). */
async function lockAccounts(trx: Queryable, keys: readonly string[]): Promise<void> {
  if (!supportsRowLocks(trx)) return;
  await trx.selectFrom('ledger_accounts').select('id').where('id', 'in', [...keys]).orderBy('id').forUpdate().execute();
}

async function availableOf(trx: Queryable, keys: readonly string[]): Promise<Map<string, number>> {
  const rows = await trx.selectFrom('ledger_legs')
    .select((eb) => ['account_id', eb.fn.sum<number | string>('amount').as('sum')])
    .where('account_id', 'in', [...keys])
    .where((eb) => eb.or([eb('status', '=', 'posted'), eb.and([eb('status', '=', 'pending'), eb('amount', '<', 0)])]))
    .groupBy('account_id').execute();
  return new Map(rows.map((r) => [r.account_id, Number(r.sum ?? 0)]));
}

function insufficient(key: string, unit: Unit, available: number, needed: number): AppError {
  const label = accountRule(parseAccountKey(key).kind)?.label ?? '账户';
  return conflict('LEDGER_INSUFFICIENT', `${label}不足：可用 ${Math.max(0, available)} ${UNIT_LABEL[unit]}，需要 ${needed} ${UNIT_LABEL[unit]}`);
}
