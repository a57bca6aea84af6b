// The client's address for per-IP login throttling. Proxy headers are not trusted: anyone can
// set X-Forwarded-For, and trusting it would let an attacker pick a fresh address per attempt.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}
