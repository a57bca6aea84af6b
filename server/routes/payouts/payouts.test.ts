// Cash incentives through the API on SQLite and PostgreSQL (issue 8): budget and top-ups as
// transfers, rules per star level → a list per village from the closed period's frozen standings,
// posted (names only with consent), approved by the village after the window and then the
// township, reserved at the village approval, paid or held unpaid (one transfer per household),
// paid later or returned; never more than the fund holds, also when two approvals race (from
// states reached through the routes); bad input; points are never cashed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, RESIDENT_PHONE, TEST_ID_NUMBER, type Fixture } from '../../test/fixtures';
import { closePeriod, expectStatus, fundVillage, makeRound } from '../../test/payouts';
import { writeTransaction } from '../../db/transaction';
import { balanceOf, postTransfer } from '../../repositories/ledger';
import { recordConsent } from '../../repositories/consents';
import { parseCsv } from '../../exports/parse-csv';
import { libreofficeCsvs, LIBREOFFICE, SKIP_WITHOUT_LIBREOFFICE } from '../../test/libreoffice';

const DAY = 86_400_000;
const AMOUNTS = { 5: 20000, 4: 10000, 3: 5000, 2: 0, 1: 0 };
const fund = (fx: Fixture, villageId: string) => balanceOf(fx.deps.db, { kind: 'village_fund', ownerId: villageId }, { includePending: true });

interface ListBody {
  list: { id: string; status: string; totalFen: number; postEndsAt: string | null; postingOpen: boolean };
  items: { id: string; householdId: string; householdNo: string; name: string | null; stars: number; amountFen: number; status: string }[];
  fund: { availableFen: number; reservedFen: number; unpaidHeldFen: number; otherOutstandingFen: number };
}

describe.each(await testDialects())('cash incentives on %s', (dialect) => {
  let fx: Fixture;
  let h: Record<'a' | 'b' | 'c' | 'd', string>;
  beforeAll(async () => {
    fx = await createFixture(dialect);
    h = {
      a: fx.ids.h1,
      b: await fx.addHousehold(fx.ids.v1, '002', '赵六'),
      c: await fx.addHousehold(fx.ids.v1, '003', '钱七'),
      d: await fx.addHousehold(fx.ids.v1, '004', '孙八'),
    };
    // h1 and 003 consented to public boards (and, with 002, to moral points); 002 refused boards; 004 never answered.
    const at = fx.deps.now().toISOString();
    await recordConsent(fx.deps.db, { householdId: h.a, villageId: fx.ids.v1, purpose: 'public_boards', granted: true, recordedBy: fx.ids.users.committee, at });
    await recordConsent(fx.deps.db, { householdId: h.c, villageId: fx.ids.v1, purpose: 'public_boards', granted: true, recordedBy: fx.ids.users.committee, at });
    await recordConsent(fx.deps.db, { householdId: h.b, villageId: fx.ids.v1, purpose: 'public_boards', granted: false, recordedBy: fx.ids.users.committee, at });
    for (const household of [h.a, h.b, h.c]) await recordConsent(fx.deps.db, { householdId: household, villageId: fx.ids.v1, purpose: 'moral_points', granted: true, recordedBy: fx.ids.users.committee, at });
    await closePeriod(fx, fx.ids.v1, '2025-Q1', [
      { householdId: h.a, standing: 172, stars: 5 }, { householdId: h.b, standing: 150, stars: 4 },
      { householdId: h.c, standing: 125, stars: 3 }, { householdId: h.d, standing: 104, stars: 2 },
    ]);
    await closePeriod(fx, fx.ids.v2, '2025-Q1', [{ householdId: fx.ids.h2, standing: 101, stars: 2 }]);
  });
  afterAll(async () => { await fx.close(); });

  it('funds the budget and tops up a village fund as transfers; refuses bad amounts, a budget overdraw and a reused key', async () => {
    const key = `budget-${uuidv7()}`;
    const first = await expectStatus(await fx.request('township', 'POST', '/api/township/payouts/budget', { amountFen: 1_000_000, idempotencyKey: key }), 201) as { transferId: string; budgetFen: number };
    expect(first.budgetFen).toBe(1_000_000);
    // The same key and body: a no-op; the same key with another amount: 409.
    const again = await expectStatus(await fx.request('township', 'POST', '/api/township/payouts/budget', { amountFen: 1_000_000, idempotencyKey: key }), 200) as { transferId: string; replayed: boolean };
    expect(again).toMatchObject({ transferId: first.transferId, replayed: true });
    await expectStatus(await fx.request('township', 'POST', '/api/township/payouts/budget', { amountFen: 999, idempotencyKey: key }), 409, 'LEDGER_KEY_REUSED');
    for (const amountFen of [-100, 0, 12.5, '100', null]) {
      await expectStatus(await fx.request('township', 'POST', `/api/township/payouts/villages/${fx.ids.v1}/top-up`, { amountFen, idempotencyKey: `bad-${uuidv7()}` }), 400, 'invalid_body');
    }
    await expectStatus(await fx.request('township', 'POST', `/api/township/payouts/villages/${fx.ids.v1}/top-up`, { amountFen: 100 }), 400, 'invalid_body');
    // More than the budget holds: refused in the transfer's transaction, nothing moves.
    const over = await expectStatus(await fx.request('township', 'POST', `/api/township/payouts/villages/${fx.ids.v1}/top-up`, { amountFen: 1_000_001, idempotencyKey: `over-${uuidv7()}` }), 409, 'LEDGER_INSUFFICIENT') as { error: { message: string } };
    expect(over.error.message).toMatch(/镇激励预算不足/);
    expect(await fund(fx, fx.ids.v1)).toBe(0);
    const top = await expectStatus(await fx.request('township', 'POST', `/api/township/payouts/villages/${fx.ids.v1}/top-up`, { amountFen: 30000, idempotencyKey: `top-${uuidv7()}` }), 201) as { fundFen: number };
    expect(top.fundFen).toBe(30000);
    // A village of another township is not this township's to fund.
    await expectStatus(await fx.request('township', 'POST', `/api/township/payouts/villages/${fx.ids.v3}/top-up`, { amountFen: 100, idempotencyKey: `x-${uuidv7()}` }), 404);
  });

  it('refuses rules that are not whole fen per star level, and a period that has not closed', async () => {
    const post = (body: unknown) => fx.request('township', 'POST', '/api/township/payouts/rounds', body);
    await expectStatus(await post({ periodKey: '2025-Q1', amounts: { ...AMOUNTS, 5: -1 } }), 400, 'invalid_body');
    await expectStatus(await post({ periodKey: '2025-Q1', amounts: { ...AMOUNTS, 5: 199.5 } }), 400, 'invalid_body');
    await expectStatus(await post({ periodKey: '2025-Q1', amounts: { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 } }), 400, 'payout_bad_amounts');
    await expectStatus(await post({ periodKey: '2025-Q1', amounts: { ...AMOUNTS, 5: 5_000_000 } }), 400, 'payout_bad_amounts');
    await expectStatus(await post({ periodKey: 'Q1', amounts: AMOUNTS }), 400, 'invalid_body');
    // Rules per point do not exist: an unknown field is not a way to cash points either.
    await expectStatus(await post({ periodKey: '2025-Q1', amounts: { perPoint: 100 } }), 400, 'invalid_body');
    await expectStatus(await post({ periodKey: '2025-Q2', amounts: AMOUNTS }), 409, 'payout_period_open');
  });

  let listId = '';
  it('a round makes one list per village from the frozen stars; the posted list names only consenting households', async () => {
    const round = await makeRound(fx, '2025-Q1', AMOUNTS);
    // V2's only household is ★2 (nothing): no list there.
    expect(round.lists.map((l) => l.villageId)).toEqual([fx.ids.v1]);
    expect(round.lists[0]).toMatchObject({ totalFen: 35000, householdCount: 3 });
    await expectStatus(await fx.request('township', 'POST', '/api/township/payouts/rounds', { periodKey: '2025-Q1', amounts: AMOUNTS }), 409, 'payout_round_exists');
    listId = round.lists[0].id;
    const res = await fx.request('committee', 'GET', `/api/payouts/lists/${listId}`);
    const text = await res.text();
    expect(text).not.toContain(TEST_ID_NUMBER);
    expect(text).not.toContain(RESIDENT_PHONE);
    expect(text).not.toMatch(/"(phone|idLast4|idNumber)"/);
    const body = JSON.parse(text) as ListBody;
    expect(body.items.map((i) => [i.householdNo, i.name, i.stars, i.amountFen])).toEqual([
      ['001', '张三', 5, 20000], ['002', null, 4, 10000], ['003', '钱七', 3, 5000],
    ]);
  });

  it('posts, refuses the village approval while the list is on the board, then approves; refuses what the fund cannot hold', async () => {
    const act = (user: 'committee' | 'township' | 'admin', what: string, body: unknown = {}) => fx.request(user, 'POST', `/api/payouts/lists/${listId}/${what}`, body);
    await expectStatus(await act('committee', 'village-approval'), 409, 'payout_invalid_state');
    await expectStatus(await act('committee', 'post', { days: 0 }), 400, 'invalid_body');
    await expectStatus(await act('committee', 'post', { days: 31 }), 400, 'invalid_body');
    const posted = await expectStatus(await act('committee', 'post', { days: 7 }), 200) as ListBody;
    expect(posted.list).toMatchObject({ status: 'posted', postingOpen: true });
    await expectStatus(await act('committee', 'post'), 409, 'payout_invalid_state');
    await expectStatus(await act('committee', 'village-approval'), 409, 'payout_posting_open');
    // The township may not approve before the village did; the committee may not approve for the township.
    await expectStatus(await act('township', 'township-approval'), 409, 'payout_invalid_state');
    expect((await act('committee', 'township-approval')).status).toBe(403);
    fx.clock.advance(7 * DAY + 1000);
    expect((await expectStatus(await fx.request('committee', 'GET', `/api/payouts/lists/${listId}`), 200) as ListBody).list.postingOpen).toBe(false);
    // The fund holds 300 yuan, the list needs 350: refused at approval.
    const short = await expectStatus(await act('committee', 'village-approval'), 409, 'payout_fund_short') as { error: { message: string } };
    expect(short.error.message).toContain('300.00');
    expect(short.error.message).toContain('350.00');
    await fundVillage(fx, fx.ids.v1, 5000);
    expect((await expectStatus(await act('committee', 'village-approval'), 200) as ListBody).list.status).toBe('village_approved');
    await expectStatus(await act('committee', 'payment'), 409, 'payout_invalid_state');
    expect((await expectStatus(await act('township', 'township-approval'), 200) as ListBody).list.status).toBe('township_approved');
  });

  it('every outcome is a transfer: reserved at approval, paid, held unpaid, paid later, an unpaid one returned; the summary adds up', async () => {
    const money = async () => ({
      free: await fund(fx, fx.ids.v1),
      reserved: await balanceOf(fx.deps.db, { kind: 'payout_reserved', ownerId: fx.ids.v1 }),
      held: await balanceOf(fx.deps.db, { kind: 'payout_unpaid', ownerId: fx.ids.v1 }),
      paid: await balanceOf(fx.deps.db, { kind: 'cash_paid', ownerId: fx.ids.v1 }),
    });
    // The village approval reserved the whole list (350 yuan) from the fund (350 yuan).
    expect(await money()).toEqual({ free: 0, reserved: 35000, held: 0, paid: 0 });
    const detail = await expectStatus(await fx.request('township', 'GET', `/api/payouts/lists/${listId}`), 200) as ListBody;
    expect(detail.fund).toMatchObject({ availableFen: 0, reservedFen: 35000, unpaidHeldFen: 0 });
    const [a, b, c] = detail.items;
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${listId}/payment`, { unpaidItemIds: ['no-such-item'] }), 400, 'payout_unknown_item');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${a.id}/return`, { reason: '退回' }), 409, 'payout_not_paid');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${a.id}/pay`, {}), 409, 'payout_not_unpaid');
    const paid = await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${listId}/payment`, { unpaidItemIds: [b.id, c.id], reason: '户主外出未领' }), 200) as ListBody;
    expect(paid.list.status).toBe('paid');
    expect(paid.items.map((i) => i.status)).toEqual(['paid', 'unpaid', 'unpaid']);
    // The unpaid money is held, not back in the fund: it can still be paid.
    expect(await money()).toEqual({ free: 0, reserved: 0, held: b.amountFen + c.amountFen, paid: a.amountFen });
    // Paying twice: refused, nothing moves.
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${listId}/payment`, {}), 409, 'payout_invalid_state');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${a.id}/pay`, {}), 409, 'payout_not_unpaid');

    // 003 comes a week later: paid from what was held; paying again is refused and moves nothing.
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${c.id}/pay`, { note: 'x'.repeat(201) }), 400, 'invalid_body');
    const later = await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${c.id}/pay`, {}), 200) as ListBody;
    expect(later.items.find((i) => i.id === c.id)?.status).toBe('paid');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${c.id}/pay`, {}), 409, 'payout_not_unpaid');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/unknown-item/pay`, {}), 404);
    expect(await money()).toEqual({ free: 0, reserved: 0, held: b.amountFen, paid: a.amountFen + c.amountFen });

    // 002 will not collect: the held money goes back to the fund.
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${b.id}/return`, { reason: '' }), 400, 'invalid_body');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/unknown-item/return`, { reason: '发错户' }), 404);
    const returned = await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${b.id}/return`, { reason: '户主退回' }), 200) as ListBody;
    expect(returned.items.find((i) => i.id === b.id)?.status).toBe('returned');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${b.id}/return`, { reason: '户主退回' }), 409, 'payout_not_paid');
    await expectStatus(await fx.request('committee', 'POST', `/api/payouts/lists/${listId}/items/${b.id}/pay`, {}), 409, 'payout_not_unpaid');
    expect(await money()).toEqual({ free: b.amountFen, reserved: 0, held: 0, paid: a.amountFen + c.amountFen });

    const transfers = await fx.deps.db.selectFrom('ledger_transfers').select(['kind', 'idempotency_key']).where('village_id', '=', fx.ids.v1).where('kind', 'like', 'payout.%').orderBy('at').orderBy('id').execute();
    expect(transfers.map((t) => t.kind)).toEqual(['payout.topup', 'payout.topup', 'payout.reserve', 'payout.pay', 'payout.hold', 'payout.hold', 'payout.pay', 'payout.release']);
    expect(transfers.map((t) => t.idempotency_key).slice(2)).toEqual([
      `payout.reserve:${listId}`, `payout.pay:${a.id}`, `payout.hold:${b.id}`, `payout.hold:${c.id}`, `payout.pay:${c.id}`, `payout.release:${b.id}`,
    ]);

    const summary = await expectStatus(await fx.request('township', 'GET', '/api/township/payouts/summary'), 200) as {
      township: Record<string, number>; villages: { villageId: string; toppedUpFen: number; cashPaidFen: number; fundFen: number; fundRemainingFen: number; reservedFen: number; unpaidHeldFen: number; householdsPaid: number; householdsUnpaid: number; returnedFen: number }[];
    };
    const v1 = summary.villages.find((v) => v.villageId === fx.ids.v1)!;
    expect(v1).toMatchObject({ toppedUpFen: 35000, cashPaidFen: 25000, fundFen: 10000, reservedFen: 0, unpaidHeldFen: 0, fundRemainingFen: 10000, householdsPaid: 2, householdsUnpaid: 0, returnedFen: 10000 });
    expect(summary.township).toMatchObject({ budgetFundedFen: 1_005_000, allocatedFen: 35000, budgetRemainingFen: 970_000, cashPaidFen: 25000, fundRemainingFen: 10000, householdsPaid: 2 });
    expect(summary.villages.map((v) => v.villageId).sort()).toEqual([fx.ids.v1, fx.ids.v2].sort());
    // The village's own screen reads the same row.
    const own = await expectStatus(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/payouts`), 200) as { summary: typeof v1 };
    expect(own.summary).toEqual(v1);

    // The payout list leaves the system as an export (server/exports/sources/payouts.ts), audited.
    const csv = await fx.request('township', 'GET', '/api/township/exports/payouts?year=2025&format=csv');
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0].split(',').slice(0, 3)).toEqual(['村庄', '期间', '名单状态']);
    const v1Lines = lines.slice(1).filter((l) => l.includes('2025-Q1') && l.includes('已发放'));
    expect(v1Lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.slice(1).some((l) => l.includes('已退回') && l.includes('户主退回'))).toBe(true);
    // The export is audited once its last row is written (after the answer's last byte): wait for it.
    const readAudit = () => fx.deps.db.selectFrom('audit_log').select(['action', 'row_count']).where('action', '=', 'export.payouts').execute();
    let audit = await readAudit();
    for (let i = 0; i < 100 && audit.length === 0; i++) audit = await new Promise((r) => setTimeout(r, 20)).then(readAudit);
    expect(audit).toEqual([{ action: 'export.payouts', row_count: lines.length - 1 }]);
    // Its XLSX opens in LibreOffice and reads as the CSV (the other exports: console.test.ts).
    if (LIBREOFFICE) {
      const xlsx = new Uint8Array(await (await fx.request('township', 'GET', '/api/township/exports/payouts?year=2025&format=xlsx')).arrayBuffer());
      expect(parseCsv(libreofficeCsvs({ payouts: xlsx }).payouts)).toEqual(parseCsv(lines.join('\r\n')));
    } else console.warn(`payouts XLSX not opened in LibreOffice${SKIP_WITHOUT_LIBREOFFICE}`);
  });

  it('never cashes points: the ledger refuses a transfer from points to money, and no payout transfer carries points', async () => {
    const at = fx.deps.now().toISOString();
    await expect(writeTransaction(fx.deps, (trx) => postTransfer(trx, {
      idempotencyKey: `cash-points-${uuidv7()}`, kind: 'payout.pay', unit: 'fen', townshipId: fx.ids.t1, villageId: fx.ids.v1, actorId: fx.ids.users.township, at,
      legs: [{ account: { kind: 'household_points', ownerId: h.a }, amount: -100 }, { account: { kind: 'cash_paid', ownerId: fx.ids.v1 }, amount: 100 }],
    }))).rejects.toMatchObject({ status: 400, code: 'LEDGER_UNIT_MISMATCH' });
    const pointsMoves = await fx.deps.db.selectFrom('ledger_transfers').select('id').where('kind', 'like', 'payout.%').where('unit', '!=', 'fen').execute();
    expect(pointsMoves).toEqual([]);
    const legs = await fx.deps.db.selectFrom('ledger_legs').innerJoin('ledger_transfers', 'ledger_transfers.id', 'ledger_legs.transfer_id')
      .select('ledger_legs.account_id').where('ledger_transfers.kind', 'like', 'payout.%').execute();
    expect(legs.every((l) => /^(budget_source|township_budget|village_fund|payout_reserved|payout_unpaid|cash_paid)\|/.test(l.account_id))).toBe(true);
  });

  it('two village approvals that together exceed the fund, from states reached through the routes: exactly one reserves, the fund never goes below zero', async () => {
    const v = fx.ids.v2;
    const hh = [await fx.addHousehold(v, '101'), await fx.addHousehold(v, '102')];
    await closePeriod(fx, v, '2025-Q2', [{ householdId: hh[0], standing: 170, stars: 5 }]);
    await closePeriod(fx, v, '2025-H1', [{ householdId: hh[1], standing: 170, stars: 5 }]);
    await fundVillage(fx, v, 30000);
    const lists = [(await makeRound(fx, '2025-Q2', AMOUNTS)).lists, (await makeRound(fx, '2025-H1', AMOUNTS)).lists]
      .map((ls) => ls.find((l) => l.villageId === v)!.id);
    // Both posted through the route, and the window has ended for both.
    for (const id of lists) await expectStatus(await fx.request('admin', 'POST', `/api/payouts/lists/${id}/post`, { days: 1 }), 200);
    fx.clock.advance(DAY + 1000);
    // 300 yuan in the fund, 200 yuan each: both approvals at once.
    const results = await Promise.all(lists.map((id) => fx.request('admin', 'POST', `/api/payouts/lists/${id}/village-approval`, {})));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await results.find((r) => r.status === 409)!.json()).error.code).toBe('payout_fund_short');
    expect(await fund(fx, v)).toBe(10000);
    expect(await balanceOf(fx.deps.db, { kind: 'payout_reserved', ownerId: v })).toBe(20000);
    const winner = lists[results.findIndex((r) => r.status === 200)];
    const loser = lists[results.findIndex((r) => r.status === 409)];
    expect((await fx.deps.db.selectFrom('payout_lists').select('status').where('id', '=', loser).executeTakeFirstOrThrow()).status).toBe('posted');
    expect(await fx.deps.db.selectFrom('ledger_transfers').select('id').where('idempotency_key', '=', `payout.reserve:${loser}`).execute()).toEqual([]);

    // The winner: approved by the township, then two payments at once (a double tap on two desks): one pays.
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${winner}/township-approval`, {}), 200);
    const pays = await Promise.all([0, 1].map(() => fx.request('township', 'POST', `/api/payouts/lists/${winner}/payment`, {})));
    expect(pays.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await balanceOf(fx.deps.db, { kind: 'cash_paid', ownerId: v })).toBe(20000);
    expect(await balanceOf(fx.deps.db, { kind: 'payout_reserved', ownerId: v })).toBe(0);
    // A paid payout handed back: cash_paid → the fund.
    const item = (await expectStatus(await fx.request('township', 'GET', `/api/payouts/lists/${winner}`), 200) as ListBody).items[0];
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${winner}/items/${item.id}/return`, { reason: '发错户' }), 200);
    expect(await balanceOf(fx.deps.db, { kind: 'cash_paid', ownerId: v })).toBe(0);
    expect(await fund(fx, v)).toBe(30000);
    // Now the fund holds the second list.
    await expectStatus(await fx.request('admin', 'POST', `/api/payouts/lists/${loser}/village-approval`, {}), 200);
    expect(await fund(fx, v)).toBe(10000);
  });

  it('lists of the village for the committee; unknown lists and rounds are 404', async () => {
    const body = await expectStatus(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/payouts`), 200) as { lists: { id: string }[]; fundFen: number };
    expect(body.lists.map((l) => l.id)).toContain(listId);
    expect(body.fundFen).toBe(10000);
    await expectStatus(await fx.request('committee', 'GET', '/api/payouts/lists/nope'), 404);
    await expectStatus(await fx.request('township', 'GET', '/api/township/payouts/rounds/nope'), 404);
    await expectStatus(await fx.request('committee', 'POST', '/api/payouts/lists/nope/payment', {}), 404);
  });

  it('a list approved before reservations existed (no reserve transfer) is reserved at its payment; its unpaid item is held and paid later', async () => {
    const hh = await fx.addHousehold(fx.ids.v1, '005');
    await closePeriod(fx, fx.ids.v1, '2025-05', [{ householdId: hh, standing: 150, stars: 4 }]);
    const id = (await makeRound(fx, '2025-05', AMOUNTS)).lists.find((l) => l.villageId === fx.ids.v1)!.id;
    // The state an older release left: approved by both, nothing reserved.
    await fx.deps.db.updateTable('payout_lists').set({ status: 'township_approved' }).where('id', '=', id).execute();
    const item = (await expectStatus(await fx.request('township', 'GET', `/api/payouts/lists/${id}`), 200) as ListBody).items[0];
    expect(await fund(fx, fx.ids.v1)).toBe(10000);
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${id}/payment`, { unpaidItemIds: [item.id] }), 200);
    expect(await fund(fx, fx.ids.v1)).toBe(0);
    expect(await balanceOf(fx.deps.db, { kind: 'payout_unpaid', ownerId: fx.ids.v1 })).toBe(10000);
    await expectStatus(await fx.request('township', 'POST', `/api/payouts/lists/${id}/items/${item.id}/pay`, {}), 200);
    expect(await balanceOf(fx.deps.db, { kind: 'payout_unpaid', ownerId: fx.ids.v1 })).toBe(0);
    const keys = (await fx.deps.db.selectFrom('ledger_transfers').select('idempotency_key').where('idempotency_key', 'like', `payout.%`).where('idempotency_key', 'like', `%${id}%`).execute()).map((r) => r.idempotency_key);
    expect(keys).toEqual([`payout.reserve:${id}`]);
  });
});
