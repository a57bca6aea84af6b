// Catalogue versions through the API: drafted, edited while draft, published from a date after
// the checker, never edited once published; on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';

const indicator = (over: Record<string, unknown> = {}) => ({
  category: '社会公德', nameZh: '参加志愿服务', sign: 1, pointsMin: 3, pointsMax: 3, evidenceRequired: false, ...over,
});

describe.each(await testDialects())('catalogue versions on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('drafts a copy of the version in force, edits it while draft, refuses forbidden indicators, publishes from a date', async () => {
    const created = await fx.request('township', 'POST', '/api/catalog/versions', { name: '2026年版', effectiveFrom: '2026-01-01' });
    expect(created.status).toBe(201);
    const { version } = await created.json();
    expect(version).toMatchObject({ status: 'draft', version: 2 });
    const base = `/api/catalog/versions/${version.id}`;
    const detail = await (await fx.request('township', 'GET', base)).json();
    expect(detail.indicators.length).toBeGreaterThan(20);

    // A deduction for petitioning and one without a basis: saved in the draft, refused on publishing.
    const bad = await fx.request('township', 'PUT', `${base}/indicators/X01`, indicator({ nameZh: '越级上访', sign: -1, pointsMin: -10, pointsMax: -10, evidenceRequired: true }));
    expect(bad.status).toBe(200);
    expect((await bad.json()).problems.map((p: { code: string }) => p.code)).toEqual(['petitioning', 'basis_required']);
    const refused = await fx.request('township', 'POST', `${base}/publish`, {});
    expect(refused.status).toBe(422);
    const err = (await refused.json()).error;
    expect(err.code).toBe('catalog_refused');
    expect(err.message).toContain('不得把上访');

    expect((await fx.request('township', 'DELETE', `${base}/indicators/X01`)).status).toBe(204);
    const ok = await fx.request('township', 'PUT', `${base}/indicators/X02`, indicator({ nameZh: '乱堆柴草（经劝导）', sign: -1, pointsMin: -3, pointsMax: -3, evidenceRequired: true, basisKind: 'village_rule' }));
    expect((await ok.json()).problems).toEqual([]);

    // Publishing in the past or before the version in force is refused; from a later date it works.
    expect((await fx.request('township', 'POST', `${base}/publish`, { effectiveFrom: '2025-06-01' })).status).toBe(409);
    const published = await fx.request('township', 'POST', `${base}/publish`, { effectiveFrom: '2025-07-01' });
    expect(published.status).toBe(200);
    expect((await published.json()).version).toMatchObject({ status: 'published', effectiveFrom: '2025-07-01' });
    // Phones learn of it from the township's change log.
    const logged = await fx.deps.db.selectFrom('changes').select('entity').where('entity_id', '=', version.id).execute();
    expect(logged.map((r) => r.entity)).toEqual(['catalogVersion']);

    // Once published it is never edited.
    const edit = await fx.request('township', 'PUT', `${base}/indicators/X02`, indicator());
    expect(edit.status).toBe(409);
    expect((await edit.json()).error.code).toBe('catalog_published');
  });

  it('a version in force (entries are recorded under it) refuses edits with 409 catalog_in_use', async () => {
    await fx.addEntry({ catalogVersionId: fx.ids.cv1 });
    const res = await fx.request('township', 'PUT', `/api/catalog/versions/${fx.ids.cv1}/indicators/B02`, indicator());
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'catalog_in_use' });
    expect((await fx.request('township', 'POST', `/api/catalog/versions/${fx.ids.cv1}/publish`, {})).status).toBe(409);
  });

  it('another township’s version is not found; committees and collectors may not draft', async () => {
    expect((await fx.request('township', 'GET', `/api/catalog/versions/${fx.ids.cv2}`)).status).toBe(404);
    for (const user of ['committee', 'collector', 'resident'] as const) {
      expect((await fx.request(user, 'POST', '/api/catalog/versions', { name: 'x', effectiveFrom: '2026-01-01' })).status).toBe(403);
    }
  });
});
