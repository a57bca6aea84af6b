// GET /api/catalog: the indicator catalogue in force in the user's township today.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, ANY_ROLE } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { notFound } from '../../http/errors';
import { findCurrentCatalogVersion, listIndicators } from '../../repositories/catalog';
import { chinaToday } from '../clock';

export const catalogRoutes = new Hono<AppEnv>()
  .get('/', allow({ roles: ANY_ROLE, scope: 'self' }), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const version = user.townshipId ? await findCurrentCatalogVersion(deps.db, user.townshipId, chinaToday(deps.now())) : null;
    if (!version) throw notFound('本镇街尚未发布积分指标目录');
    return c.json({ catalogVersion: version, indicators: await listIndicators(deps.db, version.id) }, 200);
  });
