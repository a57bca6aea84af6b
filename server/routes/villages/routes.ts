// GET /api/villages and the village's household roster with standings (from the kept tallies).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { queryParams } from '../../http/validate';
import { listVillagesByIds, findTownshipOfVillage } from '../../repositories/villages';
import { listHouseholdsOfVillage } from '../../repositories/households';
import { baseStanding, tallyStandings } from '../standings';
import { chinaToday, chinaYear } from '../clock';
import { settleDueNotices } from '../notices/settle';
import { DEFAULT_BASE_POINTS } from '../../../shared/domain/points';
import type { HouseholdSummary } from '../dto';

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

export const villageRoutes = new Hono<AppEnv>()
  .get('/', allow({ roles: STAFF, scope: 'self' }), async (c) => {
    const user = requireUser(c.get('user'));
    return c.json({ villages: await listVillagesByIds(c.get('deps').db, user.villageIds) }, 200);
  })
  .get('/:villageId/households', allow({ roles: STAFF, scope: 'village' }), queryParams(yearQuery), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    await settleDueNotices(deps, deps.now(), villageId);
    const year = c.req.valid('query').year ?? chinaYear(deps.now());
    const township = await findTownshipOfVillage(deps.db, villageId);
    const base = township?.basePoints ?? DEFAULT_BASE_POINTS;
    const [households, standings] = await Promise.all([
      listHouseholdsOfVillage(deps.db, villageId),
      tallyStandings(deps.db, [villageId], year, base, chinaToday(deps.now())),
    ]);
    const summaries: HouseholdSummary[] = households.map((h) => {
      const s = standings.get(h.id) ?? baseStanding(base);
      return { ...h, standing: s.standing, stars: s.stars, entryCount: s.entryCount };
    });
    return c.json({ households: summaries, year }, 200);
  });
