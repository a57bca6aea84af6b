// Transport rules of /api: never cached, bounded bodies, JSON only (docs/api.md).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../../shared/protocol/sync';
import { errorBody } from './errors';

/** Personal data must not linger in browser or proxy caches; the client keeps its own copy in IndexedDB. */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
};

const defaultLimit: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => c.json(errorBody('payload_too_large', '请求内容过大（上限 512 KiB）'), 413),
});
/** A roster upload (issue 11) carries a whole spreadsheet as base64: up to 8 MB of file. */
const ROSTER_UPLOAD = /^\/api\/township\/villages\/[^/]+\/roster-imports$/;
const rosterLimit: MiddlewareHandler = bodyLimit({
  maxSize: 12 * 1024 * 1024,
  onError: (c) => c.json(errorBody('payload_too_large', '文件过大（上限 8 MB）'), 413),
});
export const limitBody: MiddlewareHandler = (c, next) =>
  (c.req.method === 'POST' && ROSTER_UPLOAD.test(c.req.path) ? rosterLimit : defaultLimit)(c, next);

const EVIDENCE_PUT = /^\/api\/evidence\/[^/]+$/;
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * A body of any other type is refused with 415 before anything parses it; a request without a body
 * (logout, a POST with only defaults) needs no Content-Type.
 */
export const jsonOnly: MiddlewareHandler = async (c, next) => {
  // Photo chunks are raw image bytes; their route checks the type itself (server/routes/evidence).
  if (c.req.method === 'PUT' && EVIDENCE_PUT.test(c.req.path)) return next();
  const type = c.req.header('content-type');
  const length = c.req.header('content-length');
  const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
  if ((hasBody || type) && !JSON_TYPE.test(type ?? '')) {
    return c.json(errorBody('unsupported_media_type', '只接受 JSON（Content-Type: application/json）'), 415);
  }
  return next();
};

/**
 * A NUL character in the path or query (`%00`) is never part of a valid id or parameter, and
 * PostgreSQL refuses it in text ("invalid byte sequence"): 400 before anything looks it up.
 */
export const noNulInUrl: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  if (/%00/i.test(url) || url.includes('\0')) return c.json(errorBody('invalid_characters', '请求地址含有非法字符'), 400);
  return next();
};
