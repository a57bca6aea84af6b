// Who may read operations data (GET /metrics, scope 'ops' in rules.ts): a caller on this machine
// that no proxy relayed, or anyone presenting `Authorization: Bearer <METRICS_TOKEN>`. Not a user
// role: a Prometheus scraper has no session, and a village official's session must not open it.
import crypto from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { isLocalCaller } from '../http/client-address';
import { forbidden } from '../http/errors';

function tokenMatches(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export function assertOpsCaller(c: Context<AppEnv>): void {
  const token = c.get('deps').config.metricsToken;
  const auth = c.req.header('authorization') ?? '';
  const bearer = /^Bearer (\S+)$/i.exec(auth)?.[1];
  if (token && bearer && tokenMatches(bearer, token)) return;
  if (isLocalCaller(c)) return;
  throw forbidden('仅限运维访问（本机或 METRICS_TOKEN）');
}
