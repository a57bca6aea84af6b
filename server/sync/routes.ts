// POST /api/sync (docs/sync-protocol.md): push the outbox, then pull changes, in one round trip.
// Mounted by server/app.ts at /api/sync, behind the /api guards (JSON only, body limit, session).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { allow, WRITERS } from '../access/rules';
import { requireRole } from '../access/guards';
import { errorBody } from '../http/errors';
import { DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, type SyncResponse } from '../../shared/protocol/sync';
import { checkEnvelope } from './envelope';
import { pushMutations } from './push';
import { pullChanges } from './pull';
import { userScopes } from './scopes';
import { maxBatchItems } from './limits';
import { jsonAnswer } from './compress';
import { heavyGate, rateLimit } from '../http/rate-limit';
import { countSyncResults } from '../ops/metrics';
import { countSyncInFlight } from '../exports/give-way';

export const syncRoutes = new Hono<AppEnv>()
  // The public key phones seal ID numbers to (server/security/id-transport.ts); the private key
  // never leaves the server. Phones fetch it while online and keep it for offline work.
  .get('/id-key', allow({ roles: WRITERS, scope: 'self' }), (c) => {
    requireRole(c.get('user'), ...WRITERS);
    const { keyId, publicKey } = c.get('deps').pii.transport;
    return c.json({ scheme: 'e1', keyId, publicKey, curve: 'P-256' });
  })
  // Residents (403) never sync a village; anonymous callers get 401 from the rule.
  // countSyncInFlight: while a push is served the export thread gives way (server/exports/give-way.ts).
  .post('/', allow({ roles: WRITERS, scope: 'self' }), rateLimit('sync'), heavyGate, countSyncInFlight, async (c) => {
    const user = requireRole(c.get('user'), ...WRITERS);
    const deps = c.get('deps');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(errorBody('invalid_json', '请求内容不是有效的 JSON'), 400);
    }
    const envelope = checkEnvelope(body, maxBatchItems());
    if (!envelope.ok) return c.json(errorBody(envelope.code, envelope.message), envelope.status);
    const req = envelope.request;

    // Push before pull, so the answer already carries the server's view of what was just pushed
    // (except the rows the phone built itself: they are left out, see pull.ts).
    const { results, ownRows } = await pushMutations(deps, user, req.deviceId, req.mutations);
    countSyncResults(results);
    const scopes = await userScopes(deps.db, user);
    const pulled = await pullChanges(deps.db, scopes, req.cursors, req.pullLimit ?? DEFAULT_PULL_LIMIT, ownRows);
    const response: SyncResponse = {
      protocol: PROTOCOL_VERSION,
      serverTime: deps.now().toISOString(),
      results,
      scopes,
      changes: pulled.changes,
      hasMore: pulled.hasMore,
    };
    // Gzipped when the phone accepts it (every browser does): pages are built for compression.
    return jsonAnswer(c, response);
  });
