// Every request gets an id (X-Request-Id on the answer, `reqId` in its log line) and, once
// answered, one log line and its metrics: method, route pattern (never the raw URL: it can carry
// ids and query strings), status, latency, user id. Nothing of the body.
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context';
import { log } from './log';
import { observeRequest } from './metrics';

const REQUEST_ID = /^[\w.:-]{8,64}$/;

/**
 * The matched endpoint's pattern, e.g. `/api/households/:householdId`; `static` for the client's
 * files and app shell; `unmatched` for an unknown /api path (one label, whatever was asked).
 */
export function routeOf(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL' && r.path !== '*' && r.path !== '/*');
  const last = routes[routes.length - 1];
  if (last) return last.path;
  return c.req.path === '/api' || c.req.path.startsWith('/api/') || c.req.path.startsWith('/metrics') ? 'unmatched' : 'static';
}

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  // A proxy's id is kept when it looks like one, so that its log and ours line up.
  const given = c.req.header('x-request-id');
  const reqId = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
  c.set('requestId', reqId);
  try {
    await next();
  } finally {
    const ms = performance.now() - started;
    const status = c.res?.status ?? 500;
    c.header('X-Request-Id', reqId);
    const route = routeOf(c);
    observeRequest(c.req.method, route, status, ms / 1000);
    const line = { reqId, method: c.req.method, route, status, ms: Math.round(ms * 10) / 10, userId: c.get('user')?.id ?? null };
    if (status >= 500) log().error(line, 'request');
    else log().info(line, 'request');
  }
};
