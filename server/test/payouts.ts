// Payout test helpers (issue 8): a closed period with frozen standings, a funded village, and a
// payout list made through the API, for the payout tests and the authorization matrix.
import { expect } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Fixture, FixtureUser } from './fixtures';
import { writeTransaction } from '../db/transaction';
import { writePeriodSnapshot } from '../repositories/periods';

/** Freezes a period of a village as the period job would: households with their standing and stars. */
export async function closePeriod(fx: Fixture, villageId: string, periodKey: string, rows: readonly { householdId: string; standing: number; stars: number }[]): Promise<void> {
  await writeTransaction(fx.deps, (trx) => writePeriodSnapshot(trx, {
    villageId, periodKey, cadence: 'quarter', at: fx.deps.now().toISOString(),
    rows: rows.map((r) => ({ ...r, onBoard: r.stars >= 3 })),
  }));
}

export async function expectStatus(res: Response, status: number, code?: string): Promise<unknown> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  if (code) expect((body as { error: { code: string } }).error.code).toBe(code);
  return body;
}

/** Funds the township's budget and tops up a village's fund through the API. */
export async function fundVillage(fx: Fixture, villageId: string, amountFen: number, user: FixtureUser = 'township'): Promise<void> {
  await expectStatus(await fx.request(user, 'POST', '/api/township/payouts/budget', { amountFen, idempotencyKey: `b-${uuidv7()}` }), 201);
  await expectStatus(await fx.request(user, 'POST', `/api/township/payouts/villages/${villageId}/top-up`, { amountFen, idempotencyKey: `t-${uuidv7()}` }), 201);
}

export interface MadeRound { roundId: string; lists: { id: string; villageId: string; totalFen: number; householdCount: number }[] }

export async function makeRound(fx: Fixture, periodKey: string, amounts: Record<1 | 2 | 3 | 4 | 5, number>, user: FixtureUser = 'township'): Promise<MadeRound> {
  const body = await expectStatus(await fx.request(user, 'POST', '/api/township/payouts/rounds', { periodKey, amounts }), 201) as { round: { id: string }; lists: MadeRound['lists'] };
  return { roundId: body.round.id, lists: body.lists };
}

/** A payout list per village of `villages`, each with one item (the village's first household). */
export async function payoutScopes(fx: Fixture, households: Record<string, string>): Promise<Record<string, { payoutRoundId: string; listId: string; itemId: string }>> {
  const out: Record<string, { payoutRoundId: string; listId: string; itemId: string }> = {};
  const byTownship = new Map<string, string[]>();
  for (const villageId of Object.keys(households)) {
    const v = await fx.deps.db.selectFrom('villages').select('township_id').where('id', '=', villageId).executeTakeFirstOrThrow();
    byTownship.set(v.township_id, [...(byTownship.get(v.township_id) ?? []), villageId]);
  }
  for (const [townshipId, villageIds] of byTownship) {
    const roundId = uuidv7();
    const at = fx.deps.now().toISOString();
    await fx.deps.db.insertInto('payout_rounds').values({ id: roundId, township_id: townshipId, period_key: '2000-Q1', title: 'test', amounts: '{"5":100,"4":0,"3":0,"2":0,"1":0}', post_days: 7, created_by: 'test', created_at: at }).execute();
    for (const villageId of villageIds) {
      const listId = uuidv7();
      const itemId = uuidv7();
      await fx.deps.db.insertInto('payout_lists').values({
        id: listId, township_id: townshipId, round_id: roundId, village_id: villageId, period_key: '2000-Q1', status: 'draft', total_fen: 100, household_count: 1,
        posted_by: null, posted_at: null, post_ends_at: null, village_approved_by: null, village_approved_at: null, township_approved_by: null,
        township_approved_at: null, paid_by: null, paid_at: null, created_at: at,
      }).execute();
      await fx.deps.db.insertInto('payout_items').values({
        id: itemId, township_id: townshipId, list_id: listId, village_id: villageId, household_id: households[villageId], stars: 5, standing: 170,
        amount_fen: 100, status: 'due', pay_transfer_id: null, return_transfer_id: null, settled_by: null, settled_at: null,
      }).execute();
      out[villageId] = { payoutRoundId: roundId, listId, itemId };
    }
  }
  return out;
}
