// GET /api/township/ranking?year=&metric=: the township's villages compared by rates, not raw
// totals, from the kept tallies (one row per village and per household; never the ledger).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { queryParams } from '../../http/validate';
import { heavyGate } from '../../http/rate-limit';
import { notFound } from '../../http/errors';
import { findTownship, listVillagesByIds, listVillageIdsOfTownship } from '../../repositories/villages';
import { countVillagesToRebuild } from '../../repositories/tallies';
import { chinaToday, chinaYear } from '../clock';
import { DEFAULT_RANKING_METRIC, RANKING_METRICS, METRIC_LABELS } from '../../../shared/domain/ranking';
import { townshipRanking } from './rates';

const rankingQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  metric: z.enum(RANKING_METRICS).optional(),
});

export const rankingRoutes = new Hono<AppEnv>()
  .get('/ranking', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), heavyGate, queryParams(rankingQuery), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const townshipId = assertTownship(user);
    const township = await findTownship(deps.db, townshipId);
    if (!township) throw notFound('镇街不存在');
    const query = c.req.valid('query');
    const year = query.year ?? chinaYear(deps.now());
    const metric = query.metric ?? DEFAULT_RANKING_METRIC;
    const today = chinaToday(deps.now());

    const villages = await listVillagesByIds(deps.db, await listVillageIdsOfTownship(deps.db, townshipId));
    const [{ ranked, unranked }, catchUpPending] = await Promise.all([
      townshipRanking(deps.db, { villages, year, base: township.basePoints, today, metric }),
      countVillagesToRebuild(deps.db, villages.map((v) => v.id)),
    ]);
    return c.json({
      year, metric, metrics: RANKING_METRICS.map((m) => ({ key: m, label: METRIC_LABELS[m] })),
      rows: ranked, unranked,
      /** Villages whose tallies the background catch-up has not rebuilt yet (figures may be incomplete). */
      catchUpPending,
    }, 200);
  });
