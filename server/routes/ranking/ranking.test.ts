// Township ranking: rates, not totals, and only the township's own villages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';

describe.each(await testDialects())('township ranking on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('orders villages by participation rate, not by raw totals', async () => {
    // V1: 4 households, many entries but all for one household → participation 1/4.
    for (const no of ['002', '003', '004']) await fx.addHousehold(fx.ids.v1, no);
    for (let i = 0; i < 6; i++) await fx.addEntry({ householdId: fx.ids.h1, points: 5, state: 'effective' });
    await fx.addEntry({ householdId: fx.ids.h1, points: 5 }); // submitted: pending review
    // V2: 2 households, one entry each → participation 2/2.
    const h2b = await fx.addHousehold(fx.ids.v2, '002');
    await fx.addEntry({ householdId: fx.ids.h2, points: 5, state: 'effective' });
    await fx.addEntry({ householdId: h2b, points: 3, state: 'withdrawn' });
    await fx.addEntry({ householdId: h2b, points: 2, state: 'approved' });
    // V3 is in another township and must not appear.
    await fx.addEntry({ householdId: fx.ids.h3, points: 5, state: 'effective' });

    const res = await fx.request('township', 'GET', '/api/township/ranking');
    expect(res.status).toBe(200);
    const { rows, year } = await res.json();
    expect(year).toBe(2025);
    expect(rows.map((r: { villageId: string }) => r.villageId)).toEqual([fx.ids.v2, fx.ids.v1]);
    expect(rows[0]).toMatchObject({
      villageId: fx.ids.v2, villageName: '西村', households: 2, participationRate: 1, medianStanding: 102.5,
      star3Share: 0, entriesThisYear: 2, pendingReview: 0, effectiveEntries: 1,
    });
    expect(rows[1]).toMatchObject({
      villageId: fx.ids.v1, households: 4, participationRate: 0.25, medianStanding: 100, star3Share: 0.25,
      entriesThisYear: 7, pendingReview: 1, effectiveEntries: 6,
    });
  });

  it('takes a year and validates it', async () => {
    const res = await fx.request('admin', 'GET', '/api/township/ranking?year=2024');
    expect(res.status).toBe(200);
    // No village has entries in 2024: none is ranked, all are listed apart.
    const body = await res.json();
    expect(body.rows).toEqual([]);
    expect(body.unranked).toHaveLength(2);
    expect((await fx.request('admin', 'GET', '/api/township/ranking?year=abc')).status).toBe(400);
  });

  it('is for township staff and admins only', async () => {
    for (const user of ['committee', 'collector', 'resident'] as const) {
      expect((await fx.request(user, 'GET', '/api/township/ranking')).status).toBe(403);
    }
    expect((await fx.request(null, 'GET', '/api/township/ranking')).status).toBe(401);
  });
});
