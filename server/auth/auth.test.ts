import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, RESIDENT_PHONE, TEST_PASSWORD, TEST_PIN } from '../test/fixtures';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe.each(await testDialects())('auth on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('logs staff in with a hashed, HttpOnly, SameSite=Lax session cookie and answers /me', async () => {
    const res = await fx.app.request('/api/auth/login', json({ username: 'collector1', password: TEST_PASSWORD }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toMatchObject({ role: 'collector', villageIds: [fx.ids.v1], townshipId: fx.ids.t1, householdId: null });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cx_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);

    const token = cookieOf(res).split('=')[1];
    const stored = await fx.deps.db.selectFrom('sessions').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(token); // only the hash is stored

    const me = await fx.app.request('/api/auth/me', { headers: { cookie: cookieOf(res) } });
    expect(me.status).toBe(200);
    expect((await me.json()).user.id).toBe(fx.ids.users.collector);
  });

  it('stores passwords as argon2id', async () => {
    const row = await fx.deps.db.selectFrom('users').select('password_hash').where('id', '=', fx.ids.users.admin).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('answers unknown user and wrong password with the same 401', async () => {
    const wrong = await fx.app.request('/api/auth/login', json({ username: 'admin1', password: 'nope-nope' }));
    const unknown = await fx.app.request('/api/auth/login', json({ username: 'nobody', password: 'nope-nope' }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a).toEqual(b);
    expect(a.error.code).toBe('bad_credentials');
  });

  it('throttles an account after 5 failures with 429, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await fx.app.request('/api/auth/login', json({ username: 'township1', password: 'wrong' }))).status).toBe(401);
    }
    const locked = await fx.app.request('/api/auth/login', json({ username: 'township1', password: TEST_PASSWORD }));
    expect(locked.status).toBe(429);
    expect((await locked.json()).error.code).toBe('too_many_attempts');
    fx.clock.advance(16 * 60 * 1000); // the window passes
    expect((await fx.app.request('/api/auth/login', json({ username: 'township1', password: TEST_PASSWORD }))).status).toBe(200);
  });

  it('throttles per address across accounts', async () => {
    // All app.request() calls share the address "unknown"; earlier tests left some failures on it.
    fx.clock.advance(16 * 60 * 1000);
    for (let i = 0; i < 50; i++) await fx.app.request('/api/auth/login', json({ username: `ghost${i}`, password: 'x' }));
    const res = await fx.app.request('/api/auth/login', json({ username: 'committee1', password: TEST_PASSWORD }));
    expect(res.status).toBe(429);
    fx.clock.advance(16 * 60 * 1000);
  });

  it('logs a resident in by phone (any spelling) and PIN', async () => {
    const spelled = `+86 ${RESIDENT_PHONE.slice(0, 3)}-${RESIDENT_PHONE.slice(3, 7)}-${RESIDENT_PHONE.slice(7)}`;
    const res = await fx.app.request('/api/auth/resident-login', json({ phone: spelled, pin: TEST_PIN }));
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ role: 'resident', householdId: fx.ids.h1, villageIds: [] });
    const bad = await fx.app.request('/api/auth/resident-login', json({ phone: RESIDENT_PHONE, pin: '000000' }));
    expect(bad.status).toBe(401);
    expect((await bad.json()).error.code).toBe('bad_credentials');
    // A staff password does not work as a resident PIN, and staff cannot use the resident door.
    const staff = await fx.app.request('/api/auth/login', json({ username: RESIDENT_PHONE, password: TEST_PIN }));
    expect(staff.status).toBe(401);
  });

  it('revokes the session on logout', async () => {
    const login = await fx.app.request('/api/auth/login', json({ username: 'admin1', password: TEST_PASSWORD }));
    const cookie = cookieOf(login);
    const out = await fx.app.request('/api/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/cx_session=;.*Max-Age=0/);
    const me = await fx.app.request('/api/auth/me', { headers: { cookie } });
    expect(me.status).toBe(401);
    const revoked = await fx.deps.db.selectFrom('sessions').select('revoked_at').where('revoked_at', 'is not', null).execute();
    expect(revoked.length).toBeGreaterThan(0);
  });

  it('expires sessions after config.sessionDays', async () => {
    const cookie = await fx.cookie('collector');
    expect((await fx.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    fx.clock.advance(31 * 24 * 3600 * 1000);
    expect((await fx.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe.each(await testDialects())('secure cookie on %s', (dialect) => {
  it('uses the __Host- prefix with Secure when cookieSecure is on', async () => {
    const fx = await createFixture(dialect, { config: { cookieSecure: true } });
    try {
      const res = await fx.app.request('/api/auth/login', json({ username: 'admin1', password: TEST_PASSWORD }));
      expect(res.status).toBe(200);
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^__Host-cx_session=/);
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Domain=/);
      const me = await fx.app.request('/api/auth/me', { headers: { cookie: cookieOf(res) } });
      expect(me.status).toBe(200);
    } finally {
      await fx.close();
    }
  });
});
