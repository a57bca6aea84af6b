// A refusal that comes before the body was read (413 too large, 415 not JSON, 429 / 503 from the
// rate limit or the heavy gate) must not leave the connection in an unknown state: the rest of the
// body is still on the wire, and a body-limit that stopped reading mid-stream has cancelled the
// request. Such answers say `Connection: close`, so a keep-alive client opens a fresh connection
// instead of having its next request reset. Refusals after the body was read keep the connection.
import type { MiddlewareHandler } from 'hono';

const REFUSED_UNREAD = new Set([413, 415, 429, 503]);

export const closeAfterRefusal: MiddlewareHandler = async (c, next) => {
  await next();
  // Every 429 says when to come back (a limiter that forgot gets a conservative minute).
  if (c.res.status === 429 && !c.res.headers.get('retry-after')) c.header('Retry-After', '60');
  const length = c.req.header('content-length');
  const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
  if (c.res.status === 413 || (hasBody && REFUSED_UNREAD.has(c.res.status) && !c.req.raw.bodyUsed)) c.header('Connection', 'close');
};
