import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, onUnauthorized } from './http';

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
