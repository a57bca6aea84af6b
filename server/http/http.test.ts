// Transport rules of /api and the static client (docs/api.md, security.md "Access").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, TEST_PASSWORD } from '../test/fixtures';
import { createApp, serveClient } from '../app';
import type { AppEnv } from '../context';
import { onError } from './errors';

describe.each(await testDialects())('http rules on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('answers an unknown /api path with a JSON 404, never the app shell', async () => {
    const res = await fx.app.request('/api/nope/deeper');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('keeps unknown /api paths a JSON 404 with the client served too', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>村信</title>');
    try {
      const app = createApp(fx.deps);
      serveClient(app, dist);
      for (const p of ['/api/nope', '/api/villages/x/unknown', '/api']) {
        const res = await app.request(p);
        expect(res.status, p).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
      }
      expect((await app.request('/villages/1')).status).toBe(200);
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });

  it('refuses a non-JSON body with 415', async () => {
    const res = await fx.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'username=admin1' });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('unsupported_media_type');
    const form = await fx.app.request('/api/auth/login', { method: 'POST', body: new URLSearchParams({ username: 'admin1', password: TEST_PASSWORD }) });
    expect(form.status).toBe(415);
  });

  it('refuses a 600 KiB body with 413', async () => {
    const big = JSON.stringify({ username: 'admin1', password: 'x'.repeat(600 * 1024) });
    const res = await fx.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length) }, body: big });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    // Without a Content-Length (chunked) the limit still holds while reading.
    const chunked = await fx.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(chunked.status).toBe(413);
  });

  it('answers an invalid body with 400 and the error shape', async () => {
    const res = await fx.request(null, 'POST', '/api/auth/login', { username: '' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({ error: { code: 'invalid_body', message: expect.any(String) } });
    const malformed = await fx.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('invalid_json');
  });

  it('sets the CSP, nosniff, no-referrer and no-store headers on API answers, errors included', async () => {
    for (const res of [await fx.request('admin', 'GET', '/api/auth/me'), await fx.app.request('/api/unknown')]) {
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('hides internals of unexpected errors behind a 500 with a request id', async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.get('/api/boom', () => { throw new Error('password_hash column secret'); });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await app.request('/api/boom');
    spy.mockRestore();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text).error.code).toBe('internal');
  });
});

describe('serveClient', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-dist-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>村信</title>');
  fs.writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
  const app = new Hono<AppEnv>();
  app.use('/api/*', async (c) => c.json({ error: { code: 'not_found', message: 'x' } }, 404));
  serveClient(app, dist);
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('serves files, falls back to index.html for app paths, and keeps /api out of the fallback', async () => {
    const shell = await app.request('/households/123');
    expect(shell.status).toBe(200);
    expect(await shell.text()).toContain('村信');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    const sw = await app.request('/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const asset = await app.request('/assets/app-abc123.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const api = await app.request('/api/whatever');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/);
  });
});
