import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, onUnauthorized, retryAfterMs } from './http';

const json = (status: number, body: unknown) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.restoreAllMocks());

describe('call', () => {
  it('returns the JSON body of a 2xx answer', async () => {
    expect(await call(json(200, { ok: true }))).toEqual({ ok: true });
  });

  it('turns the error shape into an ApiError with status, code and message', async () => {
    const err = await call(json(403, { error: { code: 'own_entry', message: '不能审核自己记录的条目' } })).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'own_entry', message: '不能审核自己记录的条目', isNetwork: false });
  });

  it('reads Retry-After of a 429 or 503 answer (seconds or an HTTP date), nothing on other statuses', async () => {
    const limited = async () => new Response(JSON.stringify({ error: { code: 'rate_limited', message: '请求过于频繁' } }), { status: 429, headers: { 'retry-after': '42' } });
    expect(await call(limited).catch((e) => e)).toMatchObject({ status: 429, retryAfterMs: 42_000 });
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(retryAfterMs(503, 'Thu, 03 Dec 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs(503, 'Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(503, 'soon', now)).toBeNull();
    expect(retryAfterMs(500, '42', now)).toBeNull();
    expect(retryAfterMs(429, null, now)).toBeNull();
    expect(await call(json(500, { error: { code: 'internal', message: '服务器错误' } })).catch((e) => e)).toMatchObject({ retryAfterMs: null });
  });

  it('reports a request without an answer as a network error', async () => {
    const err = await call(async () => { throw new TypeError('Failed to fetch'); }).catch((e) => e);
    expect(err).toMatchObject({ status: 0, code: 'network_error', isNetwork: true });
  });

  it('tells listeners about an expired session, except on login endpoints', async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    await call(json(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }), { skipUnauthorizedHook: true }).catch(() => undefined);
    expect(listener).not.toHaveBeenCalled();
    await call(json(401, { error: { code: 'unauthenticated', message: '请先登录' } })).catch(() => undefined);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });

  it('falls back to the HTTP status when the body is not the error shape', async () => {
    const err = await call(async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })).catch((e) => e);
    expect(err).toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });
});
