// The ledger core on SQLite and PostgreSQL (LEDGER_CONTRACT.md): property tests (fast-check) that
// every transfer balances, no never-negative account goes below zero (pending debits included), a
// replayed transfer is a no-op, derived balances equal a recomputation from all transfers; the
// idempotency key refuses a different body; the last item goes to exactly one of racing transfers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { writeTransaction } from '../db/transaction';
import { AppError } from '../http/errors';
import { balanceOf, balancesOf, getTransfer, postTransfer, settlePending } from './ledger';
import { accountKey, type AccountRef, type TransferInput } from '../../shared/domain/ledger';

const AT = '2026-03-01T02:00:00.000Z';
const base = { townshipId: 'T', villageId: 'V', actorId: 'u1', at: AT } as const;

describe.each(await testDialects())('ledger core on %s', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => { db = await createTestDatabase(dialect, { poolSize: 6 }); });
  afterAll(async () => { await db.drop(); });
  const tx = <T>(fn: Parameters<typeof writeTransaction<T>>[1]) => writeTransaction({ db: db.db, dialect }, fn);
  const post = (t: TransferInput) => tx((trx) => postTransfer(trx, t));
  const code = async (p: Promise<unknown>) => { try { await p; return 'ok'; } catch (e) { if (e instanceof AppError) return e.code; throw e; } };

  it('refuses malformed transfers: unbalanced, one leg, floats, zero legs, unknown kinds, wrong unit', async () => {
    const hh: AccountRef = { kind: 'household_points', ownerId: 'hx' };
    const pool: AccountRef = { kind: 'village_points_pool', ownerId: 'V' };
    const t = (over: Partial<TransferInput>): TransferInput => ({ ...base, idempotencyKey: `bad-${Math.random()}`, kind: 'test', unit: 'points', legs: [{ account: hh, amount: 5 }, { account: pool, amount: -5 }], ...over });
    expect(await code(post(t({ legs: [{ account: hh, amount: 5 }, { account: pool, amount: -4 }] })))).toBe('LEDGER_UNBALANCED');
    expect(await code(post(t({ legs: [{ account: hh, amount: 0 }] })))).toBe('LEDGER_TOO_FEW_LEGS');
    expect(await code(post(t({ legs: [{ account: hh, amount: 1.5 }, { account: pool, amount: -1.5 }] })))).toBe('LEDGER_NOT_INTEGER');
    expect(await code(post(t({ legs: [{ account: hh, amount: 0 }, { account: pool, amount: 0 }] })))).toBe('LEDGER_ZERO_LEG');
    expect(await code(post(t({ legs: [{ account: { kind: 'nope', ownerId: 'x' }, amount: 1 }, { account: pool, amount: -1 }] })))).toBe('LEDGER_UNKNOWN_ACCOUNT_KIND');
    expect(await code(post(t({ unit: 'fen' })))).toBe('LEDGER_UNIT_MISMATCH');
    expect(await code(post(t({ legs: [{ account: hh, amount: 5 }, { account: hh, amount: -5 }] })))).toBe('LEDGER_TOO_FEW_LEGS');
    expect(await balanceOf(db.db, hh)).toBe(0);
  });

  it('same key + same body is a no-op returning the first transfer; a different body → 409 LEDGER_KEY_REUSED', async () => {
    const hh: AccountRef = { kind: 'household_points', ownerId: 'h-idem' };
    const t: TransferInput = { ...base, idempotencyKey: 'idem-1', kind: 'entry.issue', unit: 'points', legs: [{ account: hh, amount: 7 }, { account: { kind: 'village_points_pool', ownerId: 'V' }, amount: -7 }] };
    const first = await post(t);
    expect(first.replayed).toBe(false);
    const again = await post({ ...t, at: '2026-03-02T00:00:00.000Z', actorId: 'u2' });
    expect(again).toEqual({ transferId: first.transferId, replayed: true });
    expect(await code(post({ ...t, legs: [{ account: hh, amount: 8 }, { account: { kind: 'village_points_pool', ownerId: 'V' }, amount: -8 }] }))).toBe('LEDGER_KEY_REUSED');
    expect(await balanceOf(db.db, hh)).toBe(7);
  });

  it('pending debits count against availability; settle posts or voids once; a settled transfer cannot change', async () => {
    const hh: AccountRef = { kind: 'household_points', ownerId: 'h-pend' };
    const pool: AccountRef = { kind: 'village_points_pool', ownerId: 'V' };
    const sink: AccountRef = { kind: 'points_redeemed', ownerId: 'V' };
    await post({ ...base, idempotencyKey: 'p-issue', kind: 'entry.issue', unit: 'points', legs: [{ account: hh, amount: 10 }, { account: pool, amount: -10 }] });
    const r1 = await post({ ...base, idempotencyKey: 'p-r1', kind: 'shop.reserve', unit: 'points', status: 'pending', legs: [{ account: hh, amount: -6 }, { account: sink, amount: 6 }] });
    expect(await balancesOf(db.db, hh)).toEqual({ posted: 10, pendingDebits: -6, pendingCredits: 0, available: 4 });
    expect(await balanceOf(db.db, sink, { includePending: true })).toBe(0);
    expect(await code(post({ ...base, idempotencyKey: 'p-r2', kind: 'shop.reserve', unit: 'points', status: 'pending', legs: [{ account: hh, amount: -5 }, { account: sink, amount: 5 }] }))).toBe('LEDGER_INSUFFICIENT');
    await tx((trx) => settlePending(trx, r1.transferId, 'voided', 'u1', AT));
    expect(await balanceOf(db.db, hh, { includePending: true })).toBe(10);
    await tx((trx) => settlePending(trx, r1.transferId, 'voided', 'u1', AT)); // retried: no-op
    expect(await code(tx((trx) => settlePending(trx, r1.transferId, 'posted', 'u1', AT)))).toBe('LEDGER_NOT_PENDING');
    const r3 = await post({ ...base, idempotencyKey: 'p-r3', kind: 'shop.reserve', unit: 'points', status: 'pending', legs: [{ account: hh, amount: -10 }, { account: sink, amount: 10 }] });
    await tx((trx) => settlePending(trx, r3.transferId, 'posted', 'u1', AT));
    expect(await balanceOf(db.db, hh)).toBe(0);
    expect(await balanceOf(db.db, sink)).toBe(10);
    expect((await getTransfer(db.db, r3.transferId))?.status).toBe('posted');
  });

  it('the last item: of racing reservations exactly one wins', async () => {
    const stock: AccountRef = { kind: 'shop_stock', ownerId: 'V', itemId: 'rice' };
    const outside: AccountRef = { kind: 'stock_outside', ownerId: 'V' };
    await post({ ...base, idempotencyKey: 'race-receive', kind: 'shop.receive', unit: 'item', legs: [{ account: stock, amount: 1 }, { account: outside, amount: -1 }] });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => code(post({
      ...base, idempotencyKey: `race-${i}`, kind: 'shop.reserve', unit: 'item', status: 'pending', legs: [{ account: stock, amount: -1 }, { account: outside, amount: 1 }],
    }))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'LEDGER_INSUFFICIENT')).toHaveLength(5);
    expect(await balanceOf(db.db, stock, { includePending: true })).toBe(0);
  });

  it('properties: every transfer balances, no forbidden negative, replays are no-ops, balances = recomputation', async () => {
    const accounts: AccountRef[] = [
      { kind: 'household_points', ownerId: 'ha' }, { kind: 'household_points', ownerId: 'hb' },
      { kind: 'village_points_pool', ownerId: 'VP' }, { kind: 'points_redeemed', ownerId: 'VP' },
    ];
    const neverNegative = new Set([accountKey(accounts[0]), accountKey(accounts[1])]);
    let run = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({
        from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }), amount: fc.integer({ min: 1, max: 40 }),
        pending: fc.boolean(), settle: fc.constantFrom('none', 'posted', 'voided'), replay: fc.boolean(),
      }), { minLength: 1, maxLength: 12 }),
      async (ops) => {
        run++;
        const owner = (a: AccountRef): AccountRef => ({ ...a, ownerId: `${a.ownerId}-${dialect}-${run}` });
        const model: { legs: [string, number][]; status: string }[] = [];
        for (const [i, op] of ops.entries()) {
          if (op.from === op.to) continue;
          const from = owner(accounts[op.from]); const to = owner(accounts[op.to]);
          const t: TransferInput = { ...base, idempotencyKey: `prop-${dialect}-${run}-${i}`, kind: 'test', unit: 'points', status: op.pending ? 'pending' : 'posted', legs: [{ account: from, amount: -op.amount }, { account: to, amount: op.amount }] };
          // The model's availability (posted + pending debits) decides whether the debit is allowed.
          const avail = (key: string) => model.filter((m) => m.status === 'posted' || m.status === 'pending')
            .flatMap((m) => m.legs.filter(([k, a]) => k === key && (m.status === 'posted' || a < 0))).reduce((s, [, a]) => s + a, 0);
          const allowed = !neverNegative.has(accountKey(accounts[op.from])) || avail(accountKey(from)) - op.amount >= 0;
          const result = await code(post(t));
          expect(result).toBe(allowed ? 'ok' : 'LEDGER_INSUFFICIENT');
          if (!allowed) continue;
          const entry: { legs: [string, number][]; status: string } = { legs: [[accountKey(from), -op.amount], [accountKey(to), op.amount]], status: t.status! };
          model.push(entry);
          if (op.replay) expect((await post(t)).replayed).toBe(true);
          if (op.pending && op.settle !== 'none') {
            const row = await db.db.selectFrom('ledger_transfers').select('id').where('idempotency_key', '=', t.idempotencyKey).executeTakeFirstOrThrow();
            await tx((trx) => settlePending(trx, row.id, op.settle as 'posted' | 'voided', 'u1', AT));
            entry.status = op.settle;
          }
        }
        // Every stored transfer balances, and derived balances equal the model's recomputation.
        const sums = await db.db.selectFrom('ledger_legs').innerJoin('ledger_transfers', 'ledger_transfers.id', 'ledger_legs.transfer_id')
          .select((eb) => ['ledger_legs.transfer_id', eb.fn.sum<number | string>('ledger_legs.amount').as('s')])
          .where('ledger_transfers.idempotency_key', 'like', `prop-${dialect}-${run}-%`).groupBy('ledger_legs.transfer_id').execute();
        for (const s of sums) expect(Number(s.s)).toBe(0);
        for (const a of accounts) {
          const key = accountKey(owner(a));
          const posted = model.filter((m) => m.status === 'posted').flatMap((m) => m.legs).filter(([k]) => k === key).reduce((s, [, x]) => s + x, 0);
          const b = await balancesOf(db.db, owner(a));
          expect(b.posted).toBe(posted);
          if (neverNegative.has(accountKey(a))) expect(b.available).toBeGreaterThanOrEqual(0);
        }
      },
    ), { numRuns: dialect === 'postgres' ? 15 : 25 });
  });
});
