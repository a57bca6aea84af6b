// The authorization matrix (security.md "Tests that show it"): every route of the app × every role
// (and anonymous) × own / other scope, judged by the route's declared rule. A route added without a
// rule fails here (and createApp refuses to start).
import fs from 'node:fs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../test/fixtures';
import { assertEveryRouteHasRule, routeRules, routesWithoutRule, type AccessRule } from './rules';
import { allow, ANY_ROLE, ruleOf } from './rules';
import { createApp } from '../app';
import type { AppEnv } from '../context';
import { uuidv7 } from 'uuidv7';
import { hashToken, noticeLinkToken } from '../routes/notices/link-token';
import { fakeJpeg, linkEvidence, sha256Hex, uploadPhoto } from '../test/evidence';
import { payoutScopes } from '../test/payouts';
import { findOrCreateQrUser, insertCorrection, insertQrToken } from '../repositories/residents';
import { hashQrToken, newQrToken } from '../routes/residents/qr-token';
import { encryptIdNumber } from '../security/pii';

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
  let notices: Record<'v1' | 'v2' | 'v3', { noticeId: string; objectionId: string; token: string; entryId: string }>;
  let photos: { p1: string; p2: string; p3: string };
  let creditPhotos: { p1: string; p2: string; p3: string };
  let payouts: Record<string, { payoutRoundId: string; listId: string; itemId: string }>;
  let credit: { r1: string; r2: string; r3: string; k1: string; k2: string; k3: string };
  let residents: Record<'h1' | 'h2' | 'h3', { correctionId: string; slipId: string }>;
  let office: { imports: string[]; users: string[] };
  let flags: { f1: string; f2: string; f3: string };
  beforeAll(async () => {
    fx = await createFixture(dialect);
    credit = {
      r1: await addCreditRecord(fx, fx.ids.v1, fx.ids.h1), r2: await addCreditRecord(fx, fx.ids.v2, fx.ids.h2), r3: await addCreditRecord(fx, fx.ids.v3, fx.ids.h3),
      k1: await addCreditRound(fx, fx.ids.v1), k2: await addCreditRound(fx, fx.ids.v2), k3: await addCreditRound(fx, fx.ids.v3),
    };
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
    notices = {
      v1: await addNoticeWithObjection(fx, fx.ids.v1, fx.ids.h1),
      v2: await addNoticeWithObjection(fx, fx.ids.v2, fx.ids.h2),
      v3: await addNoticeWithObjection(fx, fx.ids.v3, fx.ids.h3),
    };
    // A verified photo carried by each scope's entry (GET /api/evidence/:sha256).
    const hashes: string[] = [];
    for (const entryId of [entries.e1, entries.e2, entries.e3]) {
      const bytes = fakeJpeg(3000);
      expect((await uploadPhoto(fx, 'collector', bytes)).status).toBe(201);
      await linkEvidence(fx, entryId, sha256Hex(bytes), bytes.length);
      hashes.push(sha256Hex(bytes));
    }
    photos = { p1: hashes[0], p2: hashes[1], p3: hashes[2] };
    // And a verified photo carried by each scope's credit record only (the same route, the credit link).
    const creditHashes: string[] = [];
    for (const recordId of [credit.r1, credit.r2, credit.r3]) {
      const bytes = fakeJpeg(2000);
      expect((await uploadPhoto(fx, 'collector', bytes)).status).toBe(201);
      await linkEvidence(fx, recordId, sha256Hex(bytes), bytes.length, 'creditRecord');
      creditHashes.push(sha256Hex(bytes));
    }
    creditPhotos = { p1: creditHashes[0], p2: creditHashes[1], p3: creditHashes[2] };
    // A payout round per township with one list (and item) per village (issue 8).
    payouts = await payoutScopes(fx, { [fx.ids.v1]: fx.ids.h1, [fx.ids.v2]: fx.ids.h2, [fx.ids.v3]: fx.ids.h3 });
    residents = {
      h1: await addCorrectionAndSlip(fx, fx.ids.h1, fx.ids.v1),
      h2: await addCorrectionAndSlip(fx, fx.ids.h2, fx.ids.v2),
      h3: await addCorrectionAndSlip(fx, fx.ids.h3, fx.ids.v3),
    };
    // The township office (issue 11): a roster import per village, a collector in v2 and one in v3.
    office = { imports: [], users: [fx.ids.users.collector] };
    for (const villageId of [fx.ids.v1, fx.ids.v2, fx.ids.v3]) office.imports.push(await addRosterImport(fx, villageId));
    for (const villageId of [fx.ids.v2, fx.ids.v3]) office.users.push(await addCollector(fx, villageId));
    // An anomaly flag per village (POST /api/township/anomalies/:flagId/check).
    flags = { f1: uuidv7(), f2: uuidv7(), f3: uuidv7() };
    for (const [id, villageId, townshipId] of [[flags.f1, fx.ids.v1, fx.ids.t1], [flags.f2, fx.ids.v2, fx.ids.t1], [flags.f3, fx.ids.v3, fx.ids.t2]] as const) {
      await fx.deps.db.insertInto('anomaly_flags').values({ id, township_id: townshipId, village_id: villageId, kind: 'household_burst', subject_id: villageId, day: '2025-06-01', score: 9, reason_zh: '测试提示', computed_at: fx.deps.now().toISOString() }).execute();
    }
  });
  afterAll(async () => { await fx.close(); });

  /** Which village each scope variant touches, and what a caller may read. */
  const variants = () => [
    { name: 'own', village: fx.ids.v1, params: { villageId: fx.ids.v1, householdId: fx.ids.h1, entryId: entries.e1, conflictId: conflicts.c1, noticeId: notices.v1.noticeId, objectionId: notices.v1.objectionId, sha256: photos.p1, versionId: fx.ids.cv1, code: 'B02', ...payouts[fx.ids.v1], creditRecordId: credit.r1, roundId: credit.k1, requestId: uuidv7(), ...residents.h1, importId: office.imports[0], userId: office.users[0], flagId: flags.f1 } },
    { name: 'same township', village: fx.ids.v2, params: { villageId: fx.ids.v2, householdId: fx.ids.h2, entryId: entries.e2, conflictId: conflicts.c2, noticeId: notices.v2.noticeId, objectionId: notices.v2.objectionId, sha256: photos.p2, ...payouts[fx.ids.v2], creditRecordId: credit.r2, roundId: credit.k2, requestId: uuidv7(), ...residents.h2, importId: office.imports[1], userId: office.users[1], flagId: flags.f2 } },
    { name: 'other township', village: fx.ids.v3, params: { villageId: fx.ids.v3, householdId: fx.ids.h3, entryId: entries.e3, conflictId: conflicts.c3, noticeId: notices.v3.noticeId, objectionId: notices.v3.objectionId, sha256: photos.p3, ...payouts[fx.ids.v3], creditRecordId: credit.r3, roundId: credit.k3, requestId: uuidv7(), ...residents.h3, importId: office.imports[2], userId: office.users[2], flagId: flags.f3 } },
  ];
  const readableVillages = (caller: Exclude<Caller, null>): string[] =>
    caller === 'admin' || caller === 'township' ? [fx.ids.v1, fx.ids.v2] : caller === 'resident' ? [] : [fx.ids.v1];
  const inScope = (caller: Exclude<Caller, null>, rule: AccessRule, v: ReturnType<typeof variants>[number]) =>
    (rule.scope === 'household' || rule.scope === 'notice') && caller === 'resident' ? v.name === 'own' : readableVillages(caller).includes(v.village);

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
      const usesScope = /:(villageId|householdId|entryId|conflictId|noticeId|objectionId|payoutRoundId|listId|itemId|creditRecordId|roundId|importId|userId|flagId)/.test(path) || rule.scope === 'evidence' || rule.villageFrom === 'query';
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

  it('serves a credit record\'s photo by the same rule as an entry\'s: staff of the record\'s village, 404 for others, never residents', async () => {
    const route = routeRules(fx.app).find((r) => r.method === 'GET' && r.path === '/api/evidence/:sha256')!;
    expect(route.rule).toMatchObject({ scope: 'evidence' });
    const failures: string[] = [];
    for (const [v, hash] of variants().map((v, i) => [v, [creditPhotos.p1, creditPhotos.p2, creditPhotos.p3][i]] as const)) {
      for (const caller of CALLERS) {
        const status = (await fx.request(caller, 'GET', `/api/evidence/${hash}`)).status;
        const expected = caller === null ? 401 : !route.rule!.roles.includes(caller) ? 403 : inScope(caller, route.rule!, v) ? 200 : 404;
        if (status !== expected) failures.push(`${caller ?? 'anonymous'} credit photo (${v.name}) → ${status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a QR token opens its own notice only: a token for notice A cannot see or object to notice B', async () => {
    const a = notices.v1;
    const b = notices.v2;
    const seen = await fx.request(null, 'GET', `/api/public/notices/${a.token}`);
    expect(seen.status).toBe(200);
    expect((await seen.json()).notice.id).toBe(a.noticeId);
    // A's token with B's entry: not on this notice.
    const cross = await fx.request(null, 'POST', `/api/public/notices/${a.token}/objections`, { entryId: b.entryId, grounds: '跨公示的异议' });
    expect(cross.status).toBe(404);
    // A notice id, a token of the wrong shape, or a token one character off is no key.
    for (const t of [a.noticeId, 'x', `${a.token.slice(0, -1)}${a.token.endsWith('A') ? 'B' : 'A'}`]) {
      expect((await fx.request(null, 'GET', `/api/public/notices/${encodeURIComponent(t)}`)).status).toBe(404);
    }
    expect((await fx.request(null, 'GET', `/api/public/objections/${a.token}`)).status).toBe(404);
  });

  it('keeps the ops route /metrics closed to every caller\'s session; only the ops credential opens it', async () => {
    const rule = fx.app.routes.map((r) => ruleOf(r.handler)).find((r, i) => r && fx.app.routes[i].path === '/metrics');
    expect(rule).toEqual({ roles: expect.any(Array), scope: 'ops' });
    for (const caller of CALLERS) {
      const res = await fx.request(caller, 'GET', '/metrics');
      expect(res.status, caller ?? 'anonymous').toBe(403);
    }
    const withToken = createApp({ ...fx.deps, config: { ...fx.deps.config, metricsToken: 'ops-token-0123456789abcdef' } });
    expect((await withToken.request('/metrics', { headers: { authorization: 'Bearer ops-token-0123456789abcdef' } })).status).toBe(200);
    expect((await withToken.request('/metrics', { headers: { authorization: 'Bearer ops-token-0123456789abcdeX' } })).status).toBe(403);
  });
});

/** A submitted credit record of a household (recorded by the collector), for the credit routes. */
async function addCreditRecord(fx: Fixture, villageId: string, householdId: string) {
  const at = fx.deps.now().toISOString();
  const id = uuidv7();
  await fx.deps.db.insertInto('credit_records').values({
    id, village_id: villageId, household_id: householdId, person_id: null, kind: 'loan_repaid', source: 'bank', occurred_on: at.slice(0, 10),
    document_no: '', note: '', state: 'submitted', recorder_id: fx.ids.users.collector, device_id: 'test', content_hash: id,
    client_created_at: at, created_at: at, updated_at: at, reverses: null, repaired_on: null,
  }).execute();
  return id;
}

/** An evaluation round of a village (rating), for the round routes. */
async function addCreditRound(fx: Fixture, villageId: string) {
  const id = uuidv7();
  await fx.deps.db.insertInto('credit_rounds').values({
    id, village_id: villageId, period_label: '2025年度', status: 'rating', created_by: fx.ids.users.committee, created_at: fx.deps.now().toISOString(),
    posted_at: null, objection_ends_at: null, fixed_at: null, sample_share: null,
  }).execute();
  return id;
}

/** A pending correction request and a live QR slip of a household (issue 9 routes). */
async function addCorrectionAndSlip(fx: Fixture, householdId: string, villageId: string) {
  const at = fx.deps.now().toISOString();
  const correctionId = uuidv7();
  const slipId = uuidv7();
  await insertCorrection(fx.deps.db, { id: correctionId, householdId, villageId, personId: null, field: 'name', requested: '张叁', note: '', filedBy: fx.ids.users.resident, at });
  const userId = await findOrCreateQrUser(fx.deps.db, { householdId, householdNo: '001' }, at);
  await insertQrToken(fx.deps.db, { id: slipId, householdId, villageId, userId, tokenHash: hashQrToken(newQrToken()), createdBy: fx.ids.users.committee, at });
  return { correctionId, slipId };
}

/** A notice in a village with one entry on it and one pending objection, and its QR token (as the server derives it). */
async function addNoticeWithObjection(fx: Fixture, villageId: string, householdId: string) {
  const at = fx.deps.now().toISOString();
  const noticeId = uuidv7();
  const entryId = await fx.addEntry({ householdId, state: 'objected' });
  await fx.deps.db.insertInto('notices').values({ id: noticeId, village_id: villageId, starts_at: at, ends_at: new Date(fx.deps.now().getTime() + 7 * 86400_000).toISOString(), status: 'open', created_by: fx.ids.users.committee, created_at: at }).execute();
  await fx.deps.db.updateTable('entries').set({ notice_id: noticeId }).where('id', '=', entryId).execute();
  const token = noticeLinkToken(fx.deps.pii, noticeId);
  await fx.deps.db.insertInto('notice_links').values({ notice_id: noticeId, token_hash: hashToken(token), period_from: null, period_to: null }).execute();
  const objectionId = uuidv7();
  await fx.deps.db.insertInto('objections').values({
    id: objectionId, notice_id: noticeId, entry_id: entryId, village_id: villageId, household_id: householdId, filed_by: null,
    filer_household_id: null, filer_name: null, filer_phone: null, grounds: '测试异议', status: 'pending', receipt_hash: null, created_at: at,
  }).execute();
  return { noticeId, objectionId, token, entryId };
}

/** A roster import of a village (issue 11), its file kept encrypted as the server keeps it. */
async function addRosterImport(fx: Fixture, villageId: string): Promise<string> {
  const id = uuidv7();
  const village = await fx.deps.db.selectFrom('villages').select('township_id').where('id', '=', villageId).executeTakeFirstOrThrow();
  await fx.deps.db.insertInto('roster_imports').values({
    id, township_id: village.township_id, village_id: villageId, file_name: 'a.csv', file_format: 'csv', file_sha256: '0', file_size: 3,
    file_cipher: encryptIdNumber(fx.deps.pii, Buffer.from('a,b').toString('base64')), status: 'failed', problem: '没有找到表头',
    created_by: fx.ids.users.township, created_at: fx.deps.now().toISOString(), applied_by: null, applied_at: null, applied_counts: null,
  }).execute();
  return id;
}

/** A collector assigned to one village (a user of that village's township). */
async function addCollector(fx: Fixture, villageId: string): Promise<string> {
  const id = uuidv7();
  await fx.deps.db.insertInto('users').values({ id, username: `c-${id}`, display_name: '采集员', role: 'collector', township_id: null, household_id: null, phone: null, password_hash: null, pin_hash: null, created_at: fx.deps.now().toISOString() }).execute();
  await fx.deps.db.insertInto('user_villages').values({ user_id: id, village_id: villageId }).execute();
  return id;
}

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
