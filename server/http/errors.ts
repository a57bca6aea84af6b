// The one error shape: { error: { code, message } }. Handlers throw AppError; onError renders it.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { log } from '../ops/log';
import { routeOf } from '../ops/request-log';

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** Sent as Retry-After (429, 503): when the caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const unauthorized = (message = '请先登录') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = '无权执行此操作') => new AppError(403, 'forbidden', message);
export const notFound = (message = '未找到') => new AppError(404, 'not_found', message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function onError(err: Error, c: Context) {
  if (err instanceof AppError) {
    if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    return c.json(errorBody(err.code, err.message), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    // Hono's JSON parsing (validators, c.req.json) throws a bare 400 for a body that is not JSON.
    const badJson = status === 400 && /json/i.test(err.message);
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : badJson ? 'invalid_json' : 'http_error';
    const message = status === 413 ? '请求内容过大' : status === 415 ? '只接受 JSON' : badJson ? '请求内容不是有效的 JSON' : err.message || '请求错误';
    return c.json(errorBody(code, message), status);
  }
  const requestId = (c.get('requestId') as string | undefined) ?? crypto.randomUUID();
  // Internals stay in the log (with the request id to correlate), never in the response.
  log().error({ reqId: requestId, method: c.req.method, route: routeOf(c), err }, 'unexpected error');
  return c.json(errorBody('internal', `服务器内部错误（编号 ${requestId}）`), 500);
}

export function onNotFound(c: Context) {
  return c.json(errorBody('not_found', '接口不存在'), 404);
}
