// Operations endpoints and guards, in-process on SQLite and PostgreSQL: health, readiness, metrics
// and their access rule, request ids, per-user rate limits shared through the database, the
// heavy-request gate, the trusted-proxy setting (login throttle per client behind a proxy) and HSTS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture, TEST_PASSWORD } from '../../test/fixtures';
import { createApp } from '../../app';
import type { Database } from '../../db/schema';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../../shared/protocol/sync';
import { uuidv7 } from 'uuidv7';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
});
const syncBody = () => ({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: uuidv7(), mutations: [], cursors: {} });

describe.each(await testDialects())('operations endpoints on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect, { config: { metricsToken: METRICS_TOKEN } }); });
  afterAll(async () => { await fx.close(); });

  it('answers /api/health and /api/ready without a session', async () => {
    const health = await fx.app.request('/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fx.app.request('/api/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while a migration of this build has not run', async () => {
    const row = await fx.deps.db.selectFrom('kysely_migration' as never).selectAll().where('name' as never, '=', '0011_rate_limits' as never).executeTakeFirstOrThrow();
    await fx.deps.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0011_rate_limits' as never).execute();
    try {
      const res = await fx.app.request('/api/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'migrations_pending', message: expect.stringContaining('0011_rate_limits') } });
    } finally {
      await fx.deps.db.insertInto('kysely_migration' as never).values(row as never).execute();
    }
  });

  it('is not ready when the database does not answer, and stays healthy', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    const gone = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const app = createApp({ ...fx.deps, db: gone });
    try {
      const res = await app.request('/api/ready');
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('database_unavailable');
      expect((await app.request('/api/health')).status).toBe(200);
    } finally {
      await gone.destroy();
    }
  });

  it('gives every answer a request id, keeping a proxy\'s well-formed one', async () => {
    const a = await fx.app.request('/api/health');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const b = await fx.app.request('/api/health', { headers: { 'x-request-id': 'proxy-req-12345' } });
    expect(b.headers.get('x-request-id')).toBe('proxy-req-12345');
    const c = await fx.app.request('/api/nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(c.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves /metrics only to the ops rule: bearer token here (no loopback socket in app.request)', async () => {
    expect((await fx.app.request('/metrics')).status).toBe(403);
    expect((await fx.app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(403);
    // A staff session is not an ops credential.
    expect((await fx.app.request('/metrics', { headers: { cookie: await fx.cookie('admin') } })).status).toBe(403);
    const forbidden = await fx.app.request('/metrics');
    expect(await forbidden.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });

    await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`);
    await fx.request('collector', 'POST', '/api/sync', syncBody());
    const res = await fx.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    // Route patterns, never raw ids.
    expect(text).toMatch(/cunxin_http_requests_total\{method="GET",route="\/api\/households\/:householdId",status="200"\} \d+/);
    expect(text).not.toContain(fx.ids.h1);
    expect(text).toMatch(/route="unmatched",status="404"/); // unknown paths share one label
    expect(text).not.toContain('/api/nope');
    expect(text).toMatch(/cunxin_http_request_duration_seconds_bucket\{le="0.05",method="POST",route="\/api\/sync"\}/);
    expect(text).toContain('cunxin_db_pool_connections');
    expect(text).toContain('cunxin_sync_items_total');
    expect(text).toContain('cunxin_job_runs_total');
  });

  it('counts pushed items by result', async () => {
    const body = { ...syncBody(), mutations: [{ id: uuidv7(), kind: 'entry.create', deviceSeq: 1, at: new Date(fx.deps.now().getTime() + 3_600_000).toISOString(), payload: { entryId: 'not-a-uuid' } }] };
    const res = await fx.request('collector', 'POST', '/api/sync', body);
    expect(res.status).toBeLessThan(500);
    const text = await (await fx.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/cunxin_sync_items_total\{result="rejected"\} [1-9]/);
  });
});

describe.each(await testDialects())('rate limits and the heavy gate on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect, { config: { syncRatePerMinute: 3 } }); });
  afterAll(async () => { await fx.close(); });

  it('answers 429 rate_limited with Retry-After once a user spent the minute\'s syncs, across app instances', async () => {
    fx.clock.set(new Date('2026-11-28T09:00:10Z'));
    // A second process on the same database: another app with its own deps, sharing the table.
    const other = createApp({ ...fx.deps });
    const cookie = await fx.cookie('collector');
    const send = (app: typeof fx.app) => app.request('/api/sync', json(syncBody(), { cookie }));
    expect((await send(fx.app)).status).toBe(200);
    expect((await send(other)).status).toBe(200);
    expect((await send(fx.app)).status).toBe(200);
    const refused = await send(other);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Another user has a budget of their own.
    expect((await fx.request('committee', 'POST', '/api/sync', syncBody())).status).toBe(200);
    fx.clock.advance(retry * 1000);
    expect((await send(fx.app)).status).toBe(200);
  });

  it('refuses heavy requests beyond HEAVY_CONCURRENCY at once with 503 busy and Retry-After', async () => {
    const app = createApp({ ...fx.deps, config: { ...fx.deps.config, heavyConcurrency: 1, syncRatePerMinute: 10_000 } });
    const cookie = await fx.cookie('township');
    const answers = await Promise.all(Array.from({ length: 6 }, () => app.request('/api/township/ranking', { headers: { cookie } })));
    const statuses = answers.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    const busy = answers.find((r) => r.status === 503)!;
    expect(busy.headers.get('retry-after')).toBe('2');
    expect((await busy.json()).error.code).toBe('busy');
    // Slots are given back: one at a time always passes.
    for (let i = 0; i < 3; i++) expect((await app.request('/api/township/ranking', { headers: { cookie } })).status).toBe(200);
  });
});

describe.each(await testDialects())('behind a reverse proxy on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const failLogins = async (app: typeof fx.app, clientIp: string) => {
    for (let i = 0; i < 50; i++) await app.request('/api/auth/login', json({ username: `ghost${i}`, password: 'x' }, { 'x-forwarded-for': clientIp }));
  };

  it('without TRUST_PROXY, 50 wrong logins by one client behind the proxy lock out everyone behind it', async () => {
    fx.clock.advance(16 * 60 * 1000);
    await failLogins(fx.app, '203.0.113.7');
    const honest = await fx.app.request('/api/auth/login', json({ username: 'committee1', password: TEST_PASSWORD }, { 'x-forwarded-for': '198.51.100.20' }));
    expect(honest.status).toBe(429);
    expect(honest.headers.get('connection')).toBeNull(); // the body was read: the connection stays usable
  });

  it('with TRUST_PROXY, the throttle sees each client\'s own address', async () => {
    fx.clock.advance(16 * 60 * 1000);
    // (A CIDR list needs a real peer address: server/http/connections.test.ts.)
    for (const trustProxy of ['1']) {
      fx.clock.advance(16 * 60 * 1000);
      const app = createApp({ ...fx.deps, config: { ...fx.deps.config, trustProxy } });
      await failLogins(app, '203.0.113.7');
      const attacker = await app.request('/api/auth/login', json({ username: 'committee1', password: TEST_PASSWORD }, { 'x-forwarded-for': '203.0.113.7' }));
      expect(attacker.status, trustProxy).toBe(429);
      const honest = await app.request('/api/auth/login', json({ username: 'committee1', password: TEST_PASSWORD }, { 'x-forwarded-for': '198.51.100.20' }));
      expect(honest.status, trustProxy).toBe(200);
    }
  });

  it('sends HSTS over HTTPS: its own, or X-Forwarded-Proto from a trusted proxy only', async () => {
    const plain = await fx.app.request('/api/health', { headers: { 'x-forwarded-proto': 'https' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const direct = await fx.app.request('https://cunxin.example/api/health');
    expect(direct.headers.get('strict-transport-security')).toMatch(/max-age=\d{8}/);
    const trusted = createApp({ ...fx.deps, config: { ...fx.deps.config, trustProxy: '1' } });
    const proxied = await trusted.request('/api/health', { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toMatch(/max-age=\d{8}/);
    const http = await trusted.request('/api/health', { headers: { 'x-forwarded-proto': 'http' } });
    expect(http.headers.get('strict-transport-security')).toBeNull();
  });
});
