// Residents (issue 9) through the API on SQLite and PostgreSQL: QR slips (issue, login, revoke),
// PINs set by the village admin (throttled), consent per purpose with a guardian for minors,
// members masked from the sealed column, rank and boards only with consent, correction requests
// and the village admin's queue, another household's ids → 404, and resident inactivity expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, RESIDENT_PHONE, TEST_ID_NUMBER, type Fixture } from '../../test/fixtures';
import { sessionCookieName } from '../../auth/session-token';
import { openSession } from '../../auth/login';
import { writePeriodSnapshot } from '../../repositories/periods';
import { listAudit } from '../../repositories/audit';
import { CONSENT_PURPOSES, type ConsentState } from '../../../shared/domain/consent';

const ALL_YES: ConsentState = { moral_points: true, credit_records: true, bank_sharing: true, public_boards: true };
const tokenOf = (path: string) => path.slice(path.indexOf('#') + 1);
const cookieFrom = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe.each(await testDialects())('residents on %s', (dialect) => {
  let fx: Fixture;
  let h4: string;
  beforeAll(async () => {
    fx = await createFixture(dialect);
    h4 = await fx.addHousehold(fx.ids.v1, '002', '赵六');
  });
  afterAll(async () => { await fx.close(); });

  const asCookie = (cookie: string, method: string, url: string, body?: unknown) => fx.app.request(url, {
    method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const issue = async (householdIds: string[]) => {
    const res = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/qr-slips`, { householdIds });
    expect(res.status).toBe(201);
    return (await res.json()).slips as { slipId: string; householdId: string; path: string }[];
  };
  const qrLogin = (token: string) => fx.request(null, 'POST', '/api/auth/resident-qr-login', { token });

  it('issues QR slips (token shown once, only its hash kept), logs in with one, and refuses it once revoked', async () => {
    const [slip] = await issue([fx.ids.h1]);
    expect(slip.path).toMatch(/^\/q#[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(slip.path);
    const stored = await fx.deps.db.selectFrom('resident_qr_tokens').selectAll().where('id', '=', slip.slipId).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const listed = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/qr-slips`)).text();
    expect(listed).not.toContain(token);

    const login = await qrLogin(token);
    expect(login.status).toBe(200);
    expect((await login.json()).user).toMatchObject({ role: 'resident', householdId: fx.ids.h1 });
    const cookie = cookieFrom(login);
    expect((await asCookie(cookie, 'GET', `/api/households/${fx.ids.h1}`)).status).toBe(200);
    // A slip opens its own household only.
    expect((await asCookie(cookie, 'GET', `/api/households/${fx.ids.h2}`)).status).toBe(404);

    // Revoked under another household's path: not found; under its own: revoked.
    expect((await fx.request('committee', 'POST', `/api/households/${h4}/qr-slips/${slip.slipId}/revoke`, {})).status).toBe(404);
    expect((await fx.request('committee', 'POST', `/api/households/${fx.ids.h1}/qr-slips/${slip.slipId}/revoke`, {})).status).toBe(200);
    const again = await qrLogin(token);
    expect(again.status).toBe(401);
    const body = await again.json();
    expect(body.error.code).toBe('qr_revoked');
    expect(body.error.message).toContain('已作废');
    // The session the slip opened ends with it.
    expect((await asCookie(cookie, 'GET', `/api/households/${fx.ids.h1}`)).status).toBe(401);
    expect((await qrLogin('x'.repeat(43))).status).toBe(401);
  });

  it('sets and resets a member\'s PIN (village admin only, weak PINs and minors refused, throttled)', async () => {
    const url = `/api/households/${fx.ids.h1}/resident-pin`;
    expect((await fx.request('committee', 'POST', url, { personId: fx.ids.p1, pin: '123456' })).status).toBe(400);
    expect((await fx.request('committee', 'POST', url, { personId: fx.ids.p2, pin: '135792' })).status).toBe(400);
    expect((await fx.request('committee', 'POST', url, { personId: uuidv7(), pin: '135792' })).status).toBe(404);
    expect((await fx.request('collector', 'POST', url, { personId: fx.ids.p1, pin: '135792' })).status).toBe(403);
    const ok = await fx.request('committee', 'POST', url, { personId: fx.ids.p1, pin: '135792' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, reset: true });
    expect((await fx.request(null, 'POST', '/api/auth/resident-login', { phone: RESIDENT_PHONE, pin: '135792' })).status).toBe(200);
    // Five attempts per member an hour (the weak PIN and the change above count), then 429.
    for (let i = 0; i < 3; i++) expect((await fx.request('committee', 'POST', url, { personId: fx.ids.p1, pin: '246810' })).status).toBe(200);
    expect((await fx.request('committee', 'POST', url, { personId: fx.ids.p1, pin: '246810' })).status).toBe(429);
    fx.clock.advance(3600_000 + 1000);
    expect((await fx.request('committee', 'POST', url, { personId: fx.ids.p1, pin: '246810' })).status).toBe(200);
    expect((await listAudit(fx.deps.db, fx.ids.t1, { actionPrefix: 'resident.pin', limit: 50 })).some((r) => r.action === 'resident.pin_reset')).toBe(true);
  });

  it('asks consent per purpose, needs the guardian for minors, records every change, and shows rank only with consent', async () => {
    const url = `/api/households/${fx.ids.h1}/consents`;
    const first = await (await fx.request('resident', 'GET', url)).json();
    expect(first.answered).toBe(false);
    expect(first.minors).toEqual([{ id: fx.ids.p2, name: '张小明' }]);
    let detail = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(detail.standing.rankInVillage).toBe(0);
    expect(detail.resident.rankHidden).toBe('no_consent');

    expect((await fx.request('resident', 'PUT', url, { consents: ALL_YES })).status).toBe(400);
    const saved = await fx.request('resident', 'PUT', url, { consents: ALL_YES, guardian: true });
    expect(saved.status).toBe(200);
    expect((await saved.json()).consents).toEqual(ALL_YES);
    detail = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(detail.standing.rankInVillage).toBeGreaterThan(0);

    fx.clock.advance(60_000);
    const changed = await (await fx.request('resident', 'PUT', url, { consents: { ...ALL_YES, public_boards: false }, guardian: true })).json();
    expect(changed.consents.public_boards).toBe(false);
    // 4 purposes × (household + 1 minor) at first, then 1 × 2 for the change.
    const rows = await fx.deps.db.selectFrom('household_consents').selectAll().where('household_id', '=', fx.ids.h1).execute();
    expect(rows).toHaveLength(CONSENT_PURPOSES.length * 2 + 2);
    expect(rows.filter((r) => r.person_id === fx.ids.p2)).toHaveLength(CONSENT_PURPOSES.length + 1);
    expect(changed.history[0]).toMatchObject({ purpose: 'public_boards', granted: false });
    detail = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(detail.standing.rankInVillage).toBe(0);
    expect(await listAudit(fx.deps.db, fx.ids.t1, { actionPrefix: 'consent.', limit: 50 })).toHaveLength(2);
    // Staff of the village read it; a collector may not, nor may anyone answer for the household.
    expect((await fx.request('committee', 'GET', url)).status).toBe(200);
    expect((await fx.request('committee', 'PUT', url, { consents: ALL_YES, guardian: true })).status).toBe(403);
    await fx.request('resident', 'PUT', url, { consents: ALL_YES, guardian: true });
  });

  it('shows members masked, the ID number computed from the sealed column, and never the clear values', async () => {
    const res = await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`);
    const text = await res.text();
    expect(text).not.toContain(TEST_ID_NUMBER);
    expect(text).not.toContain(RESIDENT_PHONE);
    const detail = JSON.parse(text);
    expect(detail.resident.members).toContainEqual({ personId: fx.ids.p1, idMasked: '110105********002X', phoneMasked: '138****8001' });
    expect(detail.resident.members).toContainEqual({ personId: fx.ids.p2, idMasked: null, phoneMasked: null });
  });

  it('lists the objection deadline of entries in public notice', async () => {
    const at = fx.deps.now().toISOString();
    const endsAt = new Date(fx.deps.now().getTime() + 7 * 86400_000).toISOString();
    const noticeId = uuidv7();
    const entryId = await fx.addEntry({ householdId: fx.ids.h1, state: 'publicized' });
    await fx.deps.db.insertInto('notices').values({ id: noticeId, village_id: fx.ids.v1, starts_at: at, ends_at: endsAt, status: 'open', created_by: fx.ids.users.committee, created_at: at }).execute();
    await fx.deps.db.updateTable('entries').set({ notice_id: noticeId }).where('id', '=', entryId).execute();
    const detail = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).json();
    expect(detail.resident.notices).toContainEqual({ entryId, noticeId, endsAt });
  });

  it('keeps households without board consent, and minor-headed ones, off the village board', async () => {
    const h5 = await fx.addHousehold(fx.ids.v1, '003', '钱七');
    const at = fx.deps.now().toISOString();
    await fx.deps.db.insertInto('persons').values({ id: uuidv7(), household_id: h5, village_id: fx.ids.v1, name: '钱七', relation: '户主', birth_year: 2012, is_minor: 1, id_hash: null, id_last4: null, id_cipher: null, phone: null, created_at: at, updated_at: at }).execute();
    await writePeriodSnapshot(fx.deps.db, {
      villageId: fx.ids.v1, periodKey: '2025-05', cadence: 'month', at,
      rows: [fx.ids.h1, h4, h5].map((householdId) => ({ householdId, standing: 130, stars: 3, onBoard: true })),
    });
    for (const h of [h4, h5]) {
      for (const purpose of CONSENT_PURPOSES) await fx.deps.db.insertInto('household_consents').values({ id: uuidv7(), household_id: h, village_id: fx.ids.v1, purpose, granted: 1, person_id: null, recorded_by: 'test', at }).execute();
    }
    await fx.deps.db.insertInto('household_consents').values({ id: uuidv7(), household_id: h4, village_id: fx.ids.v1, purpose: 'public_boards', granted: 0, person_id: null, recorded_by: 'test', at: new Date(Date.parse(at) + 1).toISOString() }).execute();
    const board = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/boards`)).json();
    expect(board.board.households.map((h: { householdId: string }) => h.householdId)).toEqual([fx.ids.h1]);
  });

  it('files a correction request, which the village admin\'s queue resolves; the resident follows it', async () => {
    const url = `/api/households/${fx.ids.h1}/corrections`;
    expect((await fx.request('resident', 'POST', url, { personId: fx.ids.p1, field: 'name', requested: '' })).status).toBe(400);
    expect((await fx.request('resident', 'POST', url, { personId: fx.ids.p1, field: 'other', note: `身份证 ${TEST_ID_NUMBER}` })).status).toBe(400);
    const filed = await fx.request('resident', 'POST', url, { personId: fx.ids.p1, field: 'name', requested: '张叁', note: '户口本上是叁' });
    expect(filed.status).toBe(201);
    const { correction } = await filed.json();
    expect(correction).toMatchObject({ status: 'pending', field: 'name', requested: '张叁', personName: '张三' });
    // An ID number is never typed in: the value is dropped, the admin checks the card.
    const idReq = await (await fx.request('resident', 'POST', url, { personId: fx.ids.p1, field: 'idNumber', requested: '110105194912310021', note: '末尾数字不对' })).json();
    expect(idReq.correction.requested).toBe('');

    const queue = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/corrections?status=pending`)).json();
    expect(queue.corrections.map((c: { id: string }) => c.id)).toContain(correction.id);
    expect((await fx.request('committee', 'POST', `/api/households/${h4}/corrections/${correction.id}/resolution`, { outcome: 'done', note: '已改' })).status).toBe(404);
    const done = await fx.request('committee', 'POST', `${url}/${correction.id}/resolution`, { outcome: 'done', note: '已按户口本更正' });
    expect(done.status).toBe(200);
    expect((await fx.request('committee', 'POST', `${url}/${correction.id}/resolution`, { outcome: 'refused', note: '重复' })).status).toBe(409);
    const mine = await (await fx.request('resident', 'GET', url)).json();
    expect(mine.corrections.find((c: { id: string }) => c.id === correction.id)).toMatchObject({ status: 'done', resolutionNote: '已按户口本更正' });
  });

  it('answers 404 to a resident of household A for every resident route of household B', async () => {
    const other = fx.ids.h2;
    for (const [method, url, body] of [
      ['GET', `/api/households/${other}`], ['GET', `/api/households/${other}/consents`],
      ['PUT', `/api/households/${other}/consents`, { consents: ALL_YES, guardian: true }],
      ['GET', `/api/households/${other}/corrections`],
      ['POST', `/api/households/${other}/corrections`, { field: 'name', requested: '李肆' }],
      ['GET', `/api/households/${h4}/consents`], ['GET', `/api/households/${h4}/corrections`],
    ] as [string, string, unknown?][]) {
      expect((await fx.request('resident', method, url, body)).status, `${method} ${url}`).toBe(404);
    }
  });

  it('ends a resident\'s session after the configured inactivity, sooner than a staff session', async () => {
    const resident = `${sessionCookieName(fx.deps.config)}=${await openSession(fx.deps, fx.ids.users.resident)}`;
    const staff = await fx.cookie('committee');
    const url = `/api/households/${fx.ids.h1}`;
    const idle = fx.deps.config.residentIdleMinutes * 60_000;
    fx.clock.advance(idle - 60_000);
    expect((await asCookie(resident, 'GET', url)).status).toBe(200); // activity restarts the clock
    fx.clock.advance(idle - 60_000);
    expect((await asCookie(resident, 'GET', url)).status).toBe(200);
    fx.clock.advance(idle + 1000);
    expect((await asCookie(resident, 'GET', url)).status).toBe(401);
    expect((await asCookie(staff, 'GET', url)).status).toBe(200);
    expect(fx.deps.config.residentIdleMinutes * 60_000).toBeLessThan(fx.deps.config.sessionDays * 86400_000);
  });
});
