// User management by the township office on SQLite and PostgreSQL (issue 11 "Users"): create and
// assign, reset a password or a resident's PIN, revoke sessions, disable; every change audited;
// only within the own township; the printable honour board's rules.
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, TEST_PASSWORD, type Fixture } from '../../test/fixtures';
import { recordConsent } from '../../repositories/consents';

describe.each(await testDialects())('township users on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });
  const login = (username: string, password: string) => fx.app.request('/api/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });

  it('creates a collector assigned to a village; the collector logs in and sees that village', async () => {
    const res = await fx.request('township', 'POST', '/api/township/users', {
      username: 'caiji-wang', displayName: '王采集', role: 'collector', password: 'Caiji2026x', villageIds: [fx.ids.v2],
    });
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(user).toMatchObject({ role: 'collector', villageIds: [fx.ids.v2], active: true });
    expect(JSON.stringify(user)).not.toContain('hash');
    const loggedIn = await login('caiji-wang', 'Caiji2026x');
    expect(loggedIn.status).toBe(200);
    expect((await loggedIn.json()).user.villageIds).toEqual([fx.ids.v2]);
    // The same username twice, a village of another township, a weak password.
    expect((await fx.request('township', 'POST', '/api/township/users', { username: 'caiji-wang', displayName: '重名', role: 'collector', password: 'Caiji2026x', villageIds: [fx.ids.v1] })).status).toBe(409);
    expect((await fx.request('township', 'POST', '/api/township/users', { username: 'caiji-li', displayName: '李', role: 'collector', password: 'Caiji2026x', villageIds: [fx.ids.v3] })).status).toBe(404);
    expect((await fx.request('township', 'POST', '/api/township/users', { username: 'caiji-li', displayName: '李', role: 'collector', password: 'short', villageIds: [fx.ids.v1] })).status).toBe(400);
  });

  it('reassigns villages, resets a password (old sessions end), revokes sessions, disables; all audited', async () => {
    const id = fx.ids.users.collector2;
    const cookie = await fx.cookie('collector2');
    const moved = await fx.request('township', 'PATCH', `/api/township/users/${id}`, { villageIds: [fx.ids.v1, fx.ids.v2] });
    expect((await moved.json()).user.villageIds.sort()).toEqual([fx.ids.v1, fx.ids.v2].sort());

    expect((await fx.request('township', 'POST', `/api/township/users/${id}/password`, { password: 'Neu-Passwort-1' })).status).toBe(200);
    expect((await fx.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await login('collector2', TEST_PASSWORD)).status).toBe(401);
    expect((await login('collector2', 'Neu-Passwort-1')).status).toBe(200);

    const revoked = await fx.request('township', 'POST', `/api/township/users/${id}/revoke-sessions`);
    expect((await revoked.json()).revoked).toBeGreaterThanOrEqual(1);

    const disabled = await fx.request('township', 'PATCH', `/api/township/users/${id}`, { active: false });
    expect((await disabled.json()).user.active).toBe(false);
    expect((await login('collector2', 'Neu-Passwort-1')).status).toBe(401);

    const audit = await fx.deps.db.selectFrom('audit_log').select(['action', 'subject_id', 'detail', 'township_id']).where('subject_id', '=', id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['user.update', 'user.password_reset', 'user.sessions_revoked', 'user.disable']);
    expect(audit.every((a) => a.township_id === fx.ids.t1 && !a.detail.includes('collector2'))).toBe(true);
  });

  it('resets a resident\'s PIN; lists users of the own township only', async () => {
    expect((await fx.request('township', 'POST', `/api/township/users/${fx.ids.users.resident}/pin`, { pin: '135790' })).status).toBe(200);
    const login = await fx.app.request('/api/auth/resident-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800138001', pin: '135790' }) });
    expect(login.status).toBe(200);
    const list = (await (await fx.request('township', 'GET', '/api/township/users?residents=1')).json()).users as { id: string; phone: string | null }[];
    expect(list.map((u) => u.id)).toEqual(expect.arrayContaining([fx.ids.users.collector, fx.ids.users.committee, fx.ids.users.resident]));
    expect(list.find((u) => u.id === fx.ids.users.resident)!.phone).toBe('138****8001');
  });

  it('another township\'s user is 404; an admin cannot be changed by township staff; collectors get 403', async () => {
    const other = uuidv7();
    await fx.deps.db.insertInto('users').values({ id: other, username: 'nancun', display_name: '南村采集员', role: 'collector', township_id: null, household_id: null, phone: null, password_hash: null, pin_hash: null, created_at: fx.deps.now().toISOString() }).execute();
    await fx.deps.db.insertInto('user_villages').values({ user_id: other, village_id: fx.ids.v3 }).execute();
    for (const [method, path, body] of [['PATCH', '', { active: false }], ['POST', '/password', { password: 'Abcdef123' }], ['POST', '/revoke-sessions', undefined]] as const) {
      expect((await fx.request('township', method, `/api/township/users/${other}${path}`, body)).status).toBe(404);
    }
    expect((await fx.request('township', 'PATCH', `/api/township/users/${fx.ids.users.admin}`, { active: false })).status).toBe(403);
    expect((await fx.request('collector', 'GET', '/api/township/users')).status).toBe(403);
    expect((await fx.request('resident', 'GET', '/api/township/users')).status).toBe(403);
  });

  it('the honour board: ★3+ households that consented, never a minor-headed household', async () => {
    const at = fx.deps.now().toISOString();
    const year = Number(at.slice(0, 4));
    const adult = await fx.addHousehold(fx.ids.v2, '201', '刘光荣');
    const minorHead = await fx.addHousehold(fx.ids.v2, '202', '刘小');
    const noConsent = await fx.addHousehold(fx.ids.v2, '203', '陈不愿');
    await fx.deps.db.insertInto('persons').values({ id: uuidv7(), household_id: minorHead, village_id: fx.ids.v2, name: '刘小', relation: '户主', birth_year: year - 16, is_minor: 1, id_hash: null, id_last4: null, id_cipher: null, phone: null, created_at: at, updated_at: at }).execute();
    for (const h of [adult, minorHead, noConsent]) {
      await fx.deps.db.insertInto('tally_households').values({ household_id: h, year, village_id: fx.ids.v2, effective_points: 45 }).execute();
    }
    // 四德榜 needs moral points and public boards (CONSENT_PLACES.honour_board_stars).
    for (const h of [adult, minorHead]) {
      for (const purpose of ['public_boards', 'moral_points'] as const) await recordConsent(fx.deps.db, { householdId: h, villageId: fx.ids.v2, purpose, granted: true, recordedBy: fx.ids.users.committee, at });
    }
    const res = await fx.request('township', 'GET', `/api/township/villages/${fx.ids.v2}/honour-board`);
    const board = await res.json();
    expect(board.stars).toEqual([{ householdNo: '201', headName: '刘光荣', stars: 4 }]);
    expect((await fx.request('township', 'GET', `/api/township/villages/${fx.ids.v3}/honour-board`)).status).toBe(404);
  });
});
