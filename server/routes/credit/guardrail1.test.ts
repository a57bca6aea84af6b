// Guardrail 1 (domain.md) as a property over the API, on SQLite and PostgreSQL: for random
// histories of credit records and of moral-points entries, the credit grade and its explanation
// are a function of the credit records and evaluations alone — adding, changing or removing any
// moral-points entry never changes them — and no route answers with a 失信 (bad-credit) label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { ENTRY_STATES } from '../../../shared/domain/entry-state';

describe.each(await testDialects())('guardrail 1 (moral points never change a credit grade) on %s', (dialect) => {
  let fx: Fixture;
  let n = 100;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const creditRecord = fc.record({
    kind: fc.constantFrom('loan_repaid', 'honour', 'volunteer_star', 'arrears_settled', 'admin_penalty', 'court_enforcement'),
    daysAgo: fc.integer({ min: 0, max: 2500 }),
    state: fc.constantFrom('approved', 'approved', 'submitted', 'rejected'),
  });
  const moralEntry = fc.record({
    points: fc.integer({ min: -30, max: 50 }).filter((p) => p !== 0),
    state: fc.constantFrom(...ENTRY_STATES),
    daysAgo: fc.integer({ min: 0, max: 400 }),
  });
  const day = (daysAgo: number) => new Date(fx.deps.now().getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  const creditOf = async (householdId: string) => {
    const res = await fx.request('committee', 'GET', `/api/credit/households/${householdId}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    return { grade: body.grade, records: body.records, perks: body.perks };
  };

  it('property: adding, changing and removing moral-points entries never changes the grade, its explanation or the perks', async () => {
    await fc.assert(fc.asyncProperty(fc.array(creditRecord, { maxLength: 6 }), fc.array(moralEntry, { minLength: 1, maxLength: 8 }), async (credits, entries) => {
      const householdId = await fx.addHousehold(fx.ids.v1, String(++n), '测试户');
      const at = fx.deps.now().toISOString();
      for (const c of credits) {
        const id = uuidv7();
        await fx.deps.db.insertInto('credit_records').values({
          id, village_id: fx.ids.v1, household_id: householdId, person_id: null, kind: c.kind, source: 'court', occurred_on: day(c.daysAgo),
          document_no: '(2024)鲁0283执1号', issuer: '平度市人民法院', note: '', state: c.state, recorder_id: fx.ids.users.collector, device_id: 'test',
          content_hash: id, client_created_at: at, created_at: at, updated_at: at, reverses: null, repaired_on: null,
        }).execute();
      }
      const before = await creditOf(householdId);
      const ids: string[] = [];
      for (const e of entries) ids.push(await fx.addEntry({ householdId, points: e.points, state: e.state, occurredOn: day(e.daysAgo) }));
      expect(await creditOf(householdId)).toEqual(before);
      // Change every entry (points, state), then remove them: still the same grade.
      await fx.deps.db.updateTable('entries').set({ points: -50, state: 'effective' }).where('id', 'in', ids).execute();
      expect(await creditOf(householdId)).toEqual(before);
      await fx.deps.db.deleteFrom('entries').where('id', 'in', ids).execute();
      expect(await creditOf(householdId)).toEqual(before);
    }), { numRuns: 8 });
  });

  it('no route a household or the village is shown on labels anyone 失信 from moral points', async () => {
    for (const points of [-30, -20, -10]) await fx.addEntry({ householdId: fx.ids.h1, points, state: 'effective' });
    const urls = [
      `/api/credit/households/${fx.ids.h1}`, `/api/households/${fx.ids.h1}`, `/api/villages/${fx.ids.v1}/households`,
      `/api/credit/villages/${fx.ids.v1}/records`, `/api/credit/villages/${fx.ids.v1}/rounds`,
    ];
    for (const url of urls) {
      for (const user of ['committee', 'resident', 'township'] as const) {
        const res = await fx.request(user, 'GET', url);
        if (res.status !== 200) continue;
        expect(await res.text(), `${user} ${url}`).not.toContain('失信');
      }
    }
  });
});
