// Operations endpoints: GET /api/health (the process answers), GET /api/ready (the database
// answers and has every migration of this build: a load balancer sends traffic only then), and
// GET /metrics (Prometheus text; scope 'ops': loopback callers without proxy headers, or a
// `Authorization: Bearer <METRICS_TOKEN>`).
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, ANY_ROLE } from '../../access/rules';
import { errorBody } from '../../http/errors';
import { appliedMigrations, pingDatabase } from '../../repositories/ops';
import { MIGRATIONS } from '../../../migrations/index';
import { registry, watchPool } from '../../ops/metrics';
import { log } from '../../ops/log';

export const healthRoutes = new Hono<AppEnv>()
  .get('/health', allow({ roles: ANY_ROLE, scope: 'public' }), (c) => c.json({ status: 'ok' as const }, 200))
  .get('/ready', allow({ roles: ANY_ROLE, scope: 'public' }), async (c) => {
    const { db } = c.get('deps');
    try {
      await pingDatabase(db);
    } catch (err) {
      log().warn({ err }, 'ready: database unreachable');
      return c.json(errorBody('database_unavailable', '数据库无法连接'), 503);
    }
    const applied = new Set(await appliedMigrations(db).catch(() => [] as string[]));
    const pending = Object.keys(MIGRATIONS).filter((m) => !applied.has(m));
    if (pending.length) return c.json(errorBody('migrations_pending', `数据库尚未迁移：${pending.join(', ')}`), 503);
    return c.json({ status: 'ready' as const }, 200);
  });

export const metricsRoutes = new Hono<AppEnv>()
  .get('/', allow({ roles: ANY_ROLE, scope: 'ops' }), async (c) => {
    watchPool(c.get('deps'));
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  });
