// Every query of the per-village, per-notice and per-household paths reads through an index
// (issue 12 "Fast at Pingdu scale"): the app runs the committee's, the township's and the
// household's screens and the background jobs on a small SQLite database (no ANALYZE, so SQLite
// plans as for a large one), every statement is explained, and a full scan of a table that grows
// with the villages fails the test. scripts/query-plans.ts runs the same check on a seeded database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createFixture, type Fixture } from '../test/fixtures';
import { capturingDb, checkPlans, planRequests } from './query-plans';
import { settleAllDue } from '../routes/notices/settle';
import { anonymiseOldDeductions } from '../jobs/retention';
import { runTallyRound } from '../tallies/jobs';
import { backfillEffectiveEntries, runYearEndExpiry, voidLapsedReservations } from '../jobs/points-jobs';
import { writeTransaction } from './transaction';
import { applyHouseholdsAdded, applyTallyDelta, fillVillageFigures, listVillagesWithoutFigures } from '../repositories/tallies';

describe('query plans of the village, notice and household paths (SQLite)', () => {
  let fx: Fixture;
  let noticeId = '';
  let entryId = '';
  beforeAll(async () => {
    fx = await createFixture('sqlite');
    entryId = await fx.addEntry({ points: 5 });
    await fx.addEntry({ points: -5 });
    await fx.addEntry({ points: 5, state: 'approved' });
    const publish = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 7 });
    noticeId = (await publish.json()).notice.id;
  });
  afterAll(async () => { await fx.close(); });

  it('no full scan of a growing table on any of them', async () => {
    const cap = capturingDb(fx.deps.db);
    const deps = { ...fx.deps, db: cap.db };
    const app = createApp(deps);
    const ids = { villageId: fx.ids.v1, householdId: fx.ids.h1, noticeId, entryId };
    for (const r of planRequests(ids)) {
      cap.label.current = `GET ${r.path}`;
      const res = await app.request(r.path, { headers: { cookie: await fx.cookie(r.who) } });
      expect(res.status, `${r.path}: ${await res.clone().text()}`).toBe(200);
    }
    cap.label.current = 'job settle-notices';
    fx.clock.advance(8 * 86_400_000);
    await settleAllDue(deps, fx.deps.now(), 20);
    cap.label.current = 'job anonymise-deductions';
    await anonymiseOldDeductions(deps, fx.deps.now());
    cap.label.current = 'job tally-round';
    await runTallyRound(deps, fx.deps.now());
    cap.label.current = 'job ledger-backfill';
    await backfillEffectiveEntries(deps);
    cap.label.current = 'job shop-void-lapsed';
    await voidLapsedReservations(deps, fx.deps.now());
    cap.label.current = 'job points-expiry';
    await runYearEndExpiry(deps, Number(fx.deps.now().toISOString().slice(0, 4)) - 1, fx.deps.now());
    // The tally writer: a delta and the village's figures recomputed from its household tallies,
    // a new household, and the catch-up's figures step.
    cap.label.current = 'tally writer';
    const at = fx.deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      await applyTallyDelta(trx, [{ entry: { id: 'plan', villageId: fx.ids.v1, householdId: fx.ids.h1, points: 3, occurredOn: at.slice(0, 10), createdAt: at }, from: null, to: 'submitted', at }]);
      await applyHouseholdsAdded(trx, [fx.ids.v1]);
      await fillVillageFigures(trx, fx.ids.v1);
      await listVillagesWithoutFigures(trx, 50);
      throw new Error('rolled back');
    }).catch((err: Error) => { if (err.message !== 'rolled back') throw err; });

    const { plans, problems } = await checkPlans(fx.deps.db, cap.queries);
    if (process.env.PLANS_PRINT) for (const p of plans) console.log(`${p.during}\n  ${p.sql}\n  → ${p.plan.join(' | ')}`);
    expect(plans.length).toBeGreaterThan(30);
    expect(problems.map((p) => `${p.during}\n  ${p.sql}\n  → ${p.plan}`)).toEqual([]);
  });
});
