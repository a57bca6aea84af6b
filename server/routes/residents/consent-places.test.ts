// "What a purpose without consent hides is hidden everywhere" (issue 9, guardrail 5), table-driven
// on SQLite and PostgreSQL: one household (张三, 东村 001) is on every board, in every export and
// list and shareable with a bank; for each purpose refused, the places CONSENT_PLACES lists for it
// (shared/domain/consent.ts) no longer show it and every other place still does. A place added to
// the table without a probe here fails to compile. The household itself still sees everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { closePeriod, fundVillage, makeRound } from '../../test/payouts';
import { recordConsent } from '../../repositories/consents';
import { parseCsv } from '../../exports/parse-csv';
import { CONSENT_PLACE_NAMES, CONSENT_PURPOSES, hiddenBy, noConsent, type ConsentPlace, type ConsentPurpose, type ConsentState } from '../../../shared/domain/consent';

const ALL_YES: ConsentState = { moral_points: true, credit_records: true, bank_sharing: true, public_boards: true };

describe.each(await testDialects())('consent places on %s', (dialect) => {
  let fx: Fixture;
  let listId = '';

  const json = async (res: Response, status = 200) => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text);
  };
  const csv = async (key: string) => {
    const res = await fx.request('township', 'GET', `/api/township/exports/${key}?year=2025&format=csv`);
    expect(res.status).toBe(200);
    return parseCsv(await res.text()).slice(1);
  };
  /** Whether 张三's household shows in each place now. */
  const PROBES: Record<ConsentPlace, () => Promise<boolean>> = {
    village_board: async () => (await json(await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/boards`)))
      .board.households.some((h: { householdId: string }) => h.householdId === fx.ids.h1),
    honour_board_stars: async () => (await json(await fx.request('township', 'GET', `/api/township/villages/${fx.ids.v1}/honour-board`)))
      .stars.some((s: { householdNo: string }) => s.householdNo === '001'),
    honour_board_credit: async () => (await json(await fx.request('township', 'GET', `/api/township/villages/${fx.ids.v1}/honour-board`)))
      .credit.some((s: { householdNo: string }) => s.householdNo === '001'),
    rank_in_village: async () => {
      const page = await json(await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`));
      return page.standing.rankInVillage > 0 && page.resident.rankHidden === null;
    },
    payout_list_name: async () => (await json(await fx.request('committee', 'GET', `/api/payouts/lists/${listId}`)))
      .items.find((i: { householdId: string }) => i.householdId === fx.ids.h1).name === '张三',
    entries_export: async () => (await csv('entries')).some((r) => r[0] === '东村' && r[1] === '001'),
    payouts_export_standing: async () => {
      const row = (await csv('payouts')).find((r) => r[0] === '东村' && r[3] === '001');
      expect(Number(row?.[7])).toBe(50); // the money is always accounted for
      return row?.[5] === '3' && row?.[6] === '130';
    },
    credit_records_export: async () => (await csv('credit-records')).some((r) => r[0] === '东村' && r[1] === '001'),
    bank_share: async () => {
      const res = await fx.request('township', 'POST', `/api/credit/households/${fx.ids.h1}/bank-share`, { recipient: '平度农商银行' });
      expect([200, 409]).toContain(res.status);
      return res.status === 200;
    },
  };

  const answer = async (state: ConsentState) => {
    fx.clock.advance(1000);
    for (const purpose of CONSENT_PURPOSES) {
      await recordConsent(fx.deps.db, { householdId: fx.ids.h1, villageId: fx.ids.v1, purpose, granted: state[purpose], recordedBy: fx.ids.users.resident, at: fx.deps.now().toISOString() });
    }
  };
  const shownNow = async () => {
    const out: Partial<Record<ConsentPlace, boolean>> = {};
    for (const place of CONSENT_PLACE_NAMES) out[place] = await PROBES[place]();
    return out;
  };

  beforeAll(async () => {
    fx = await createFixture(dialect);
    // ★3 this year (100 + 30), on the period's board, with an honour on record and a paid star.
    await fx.addEntry({ householdId: fx.ids.h1, points: 30, state: 'effective', occurredOn: '2025-03-01' });
    const at = fx.deps.now().toISOString();
    await fx.deps.db.insertInto('credit_records').values({
      id: uuidv7(), village_id: fx.ids.v1, household_id: fx.ids.h1, person_id: null, kind: 'honour', source: 'township', occurred_on: '2025-02-02',
      document_no: '', note: '', state: 'submitted', recorder_id: fx.ids.users.collector, device_id: 'd', content_hash: 'x', client_created_at: at, created_at: at, updated_at: at,
    }).execute();
    await closePeriod(fx, fx.ids.v1, '2025-Q1', [{ householdId: fx.ids.h1, standing: 130, stars: 3 }]);
    await fundVillage(fx, fx.ids.v1, 100_000);
    const round = await makeRound(fx, '2025-Q1', { 5: 20000, 4: 10000, 3: 5000, 2: 0, 1: 0 });
    listId = round.lists.find((l) => l.villageId === fx.ids.v1)!.id;
  }, 60_000);
  afterAll(async () => { await fx.close(); });

  it('with every purpose granted the household shows in every place', async () => {
    await answer(ALL_YES);
    expect(await shownNow()).toEqual(Object.fromEntries(CONSENT_PLACE_NAMES.map((p) => [p, true])));
  });

  it.each(CONSENT_PURPOSES.map((purpose) => [purpose, hiddenBy(purpose)] as [ConsentPurpose, ConsentPlace[]]))(
    '%s refused ⇒ hidden in %j, shown everywhere else',
    async (purpose, hidden) => {
      expect(hidden.length).toBeGreaterThan(0);
      await answer({ ...ALL_YES, [purpose]: false });
      expect(await shownNow()).toEqual(Object.fromEntries(CONSENT_PLACE_NAMES.map((p) => [p, !hidden.includes(p)])));
      // Guardrail 9: the household's own pages still show every record about it.
      const own = await json(await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`));
      expect(own.entries.length).toBeGreaterThan(0);
      expect(own.standing.standing).toBe(130);
      const credit = await json(await fx.request('resident', 'GET', `/api/credit/households/${fx.ids.h1}`));
      expect(JSON.stringify(credit)).toContain('honour');
    },
  );

  it('a purpose never answered counts as refused: withdrawing every consent hides the household everywhere', async () => {
    await answer(noConsent());
    expect(await shownNow()).toEqual(Object.fromEntries(CONSENT_PLACE_NAMES.map((p) => [p, false])));
    // And granting again brings it back (the latest answer is in force).
    await answer(ALL_YES);
    expect(Object.values(await shownNow()).every(Boolean)).toBe(true);
  });
});
