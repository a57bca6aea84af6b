// GET /api/villages and the village's household roster with standings.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { listVillagesByIds, findTownshipOfVillage } from '../../repositories/villages';
import { listHouseholdsOfVillage } from '../../repositories/households';
import { villageStandings } from '../standings';
import { chinaYear } from '../clock';
import { settleDueNotices } from '../notices/settle';
import { DEFAULT_BASE_POINTS } from '../../../shared/domain/points';
import type { HouseholdSummary } from '../dto';

export const villageRoutes = new Hono<AppEnv>()
  .get('/', allow({ roles: STAFF, scope: 'self' }), async (c) => {
    const user = requireUser(c.get('user'));
    return c.json({ villages: await listVillagesByIds(c.get('deps').db, user.villageIds) }, 200);
  })
  .get('/:villageId/households', allow({ roles: STAFF, scope: 'village' }), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    await settleDueNotices(deps, deps.now(), villageId);
    const year = chinaYear(deps.now());
    const township = await findTownshipOfVillage(deps.db, villageId);
    const households = await listHouseholdsOfVillage(deps.db, villageId);
    const standings = await villageStandings(deps.db, villageId, households.map((h) => h.id), year, township?.basePoints ?? DEFAULT_BASE_POINTS);
    const summaries: HouseholdSummary[] = households.map((h) => {
      const s = standings.get(h.id);
      return { ...h, standing: s?.standing ?? 0, stars: s?.stars ?? 1, entryCount: s?.entryCount ?? 0 };
    });
    return c.json({ households: summaries }, 200);
  });
