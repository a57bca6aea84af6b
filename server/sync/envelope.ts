// The request envelope of POST /api/sync: version gate first, then the batch size, then the shape.
import { z } from 'zod';
import { PROTOCOL_VERSION, SCHEMA_VERSION, syncRequestSchema, type SyncRequest } from '../../shared/protocol/sync';

export type EnvelopeCheck =
  | { ok: true; request: SyncRequest }
  | { ok: false; status: 400 | 413 | 426; code: string; message: string };

/** The contract's shape without its batch limit: the count is checked first, against maxItems. */
const requestShape = syncRequestSchema.extend({ mutations: z.array(z.unknown()) });

/**
 * The versions are read before the envelope is validated: an old app may send an envelope of an
 * older shape, and must be told to update (426), not that its request is malformed.
 * A client newer than the server (during a roll-out) is refused without blaming the app.
 * Too many mutations is 413 `batch_too_large` (send fewer), not a malformed request.
 */
export function checkEnvelope(body: unknown, maxItems: number): EnvelopeCheck {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { protocol?: unknown; schema?: unknown; mutations?: unknown };
  const protocol = typeof b.protocol === 'number' ? b.protocol : null;
  const schema = typeof b.schema === 'number' ? b.schema : null;
  if ((protocol !== null && protocol < PROTOCOL_VERSION) || (schema !== null && schema < SCHEMA_VERSION)) {
    return { ok: false, status: 426, code: 'client_outdated', message: '请更新应用' };
  }
  if ((protocol !== null && protocol > PROTOCOL_VERSION) || (schema !== null && schema > SCHEMA_VERSION)) {
    return { ok: false, status: 400, code: 'server_outdated', message: '服务器版本较旧，请稍后再试' };
  }
  if (Array.isArray(b.mutations) && b.mutations.length > maxItems) {
    return { ok: false, status: 413, code: 'batch_too_large', message: `一次最多同步 ${maxItems} 条，请分批发送` };
  }
  const parsed = requestShape.safeParse(body);
  if (!parsed.success) return { ok: false, status: 400, code: 'invalid_body', message: `同步请求格式不正确：${describe(parsed.error.issues)}` };
  return { ok: true, request: parsed.data };
}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
