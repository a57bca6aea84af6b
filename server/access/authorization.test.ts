// The authorization matrix (security.md "Tests that show it"): every route of the app × every role
// (and anonymous) × own / other scope, judged by the route's declared rule. A route added without a
// rule fails here (and createApp refuses to start).
import fs from 'node:fs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../test/fixtures';
import { assertEveryRouteHasRule, routeRules, routesWithoutRule, type AccessRule } from './rules';
import { allow, ANY_ROLE } from './rules';
import type { AppEnv } from '../context';

type Caller = Exclude<FixtureUser, 'committee2' | 'collector2'> | null;
const CALLERS: Caller[] = [null, 'admin', 'township', 'committee', 'collector', 'resident'];

/** The routes of docs/api.md's table, as "METHOD /path" with params written :x. */
function documentedRoutes(): string[] {
  const doc = fs.readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  return [...doc.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) (\/api\/[^\s|?]+)/gm)].map((m) => `${m[1]} ${m[2].replace(/:\w+/g, ':x')}`);
}

describe.each(await testDialects())('authorization matrix on %s', (dialect) => {
  let fx: Fixture;
  let entries: { e1: string; e2: string; e3: string };
  let conflicts: { c1: string; c2: string; c3: string };
  beforeAll(async () => {
    fx = await createFixture(dialect);
    entries = {
      e1: await fx.addEntry({ householdId: fx.ids.h1 }),
      e2: await fx.addEntry({ householdId: fx.ids.h2 }),
      e3: await fx.addEntry({ householdId: fx.ids.h3 }),
    };
    conflicts = {
      c1: await fx.addConflict({ householdId: fx.ids.h1 }),
      c2: await fx.addConflict({ householdId: fx.ids.h2 }),
      c3: await fx.addConflict({ householdId: fx.ids.h3 }),
    };
  });
  afterAll(async () => { await fx.close(); });

  /** Which village each scope variant touches, and what a caller may read. */
  const variants = () => [
    { name: 'own', village: fx.ids.v1, params: { villageId: fx.ids.v1, householdId: fx.ids.h1, entryId: entries.e1, conflictId: conflicts.c1, versionId: fx.ids.cv1, code: 'B02' } },
    { name: 'same township', village: fx.ids.v2, params: { villageId: fx.ids.v2, householdId: fx.ids.h2, entryId: entries.e2, conflictId: conflicts.c2 } },
    { name: 'other township', village: fx.ids.v3, params: { villageId: fx.ids.v3, householdId: fx.ids.h3, entryId: entries.e3, conflictId: conflicts.c3 } },
  ];
  const readableVillages = (caller: Exclude<Caller, null>): string[] =>
    caller === 'admin' || caller === 'township' ? [fx.ids.v1, fx.ids.v2] : caller === 'resident' ? [] : [fx.ids.v1];
  const inScope = (caller: Exclude<Caller, null>, rule: AccessRule, v: ReturnType<typeof variants>[number]) =>
    rule.scope === 'household' && caller === 'resident' ? v.name === 'own' : readableVillages(caller).includes(v.village);

  it('every route has a rule, and every documented route exists and vice versa', () => {
    expect(routesWithoutRule(fx.app)).toEqual([]);
    const implemented = routeRules(fx.app).map((r) => `${r.method} ${r.path.replace(/:\w+/g, ':x')}`).sort();
    expect(implemented).toEqual([...new Set(documentedRoutes())].sort());
  });

  it('answers every route × caller × scope as its rule says', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, rule } of routeRules(fx.app)) {
      if (!rule) { failures.push(`${method} ${path}: no rule`); continue; }
      const usesScope = /:(villageId|householdId|entryId|conflictId)/.test(path) || rule.villageFrom === 'query';
      for (const v of usesScope ? variants() : variants().slice(0, 1)) {
        let url = path.replace(/:(\w+)/g, (_, p: string) => (v.params as Record<string, string>)[p] ?? `unknown-${p}`);
        if (rule.villageFrom === 'query') url += `?villageId=${v.params.villageId}`;
        for (const caller of CALLERS) {
          const res = await fx.request(caller, method, url, method === 'GET' ? undefined : {});
          checked++;
          const status = res.status;
          const label = `${caller ?? 'anonymous'} ${method} ${url} (${v.name}) → ${status}`;
          if (status >= 500) failures.push(`${label}: server error`);
          else if (rule.scope === 'public') {
            if (status === 401 || status === 403) failures.push(`${label}: public route refused`);
          } else if (caller === null) {
            if (status !== 401) failures.push(`${label}: expected 401`);
          } else if (!rule.roles.includes(caller)) {
            if (status !== 403) failures.push(`${label}: expected 403`);
          } else if (usesScope && !inScope(caller, rule, v)) {
            if (status !== 404) failures.push(`${label}: expected 404`);
          } else if (status === 401 || status === 403 || status === 404) {
            failures.push(`${label}: expected access`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});

describe('route rule registry', () => {
  it('finds a route added without a rule, and such a route fails closed', async () => {
    const fx = await createFixture('sqlite');
    try {
      const app = fx.app as unknown as Hono<AppEnv>;
      app.get('/api/unruled', (c) => c.json({ secret: true }));
      expect(routesWithoutRule(app)).toEqual(['GET /api/unruled']);
      expect(() => assertEveryRouteHasRule(app)).toThrow(/unruled/);
      const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
      const res = await app.request('/api/unruled', { headers: { cookie: await fx.cookie('admin') } });
      spy.mockRestore();
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('secret');
    } finally {
      await fx.close();
    }
  });

  it('accepts a rule given with app.use for a router that does not carry one', () => {
    const app = new Hono<AppEnv>();
    app.use('/api/thing', allow({ roles: ANY_ROLE, scope: 'self' }));
    app.post('/api/thing', (c) => c.json({}));
    expect(routesWithoutRule(app)).toEqual([]);
  });
});
