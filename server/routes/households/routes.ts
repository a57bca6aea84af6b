// GET /api/households/:householdId: the household, its members, every entry and its standing.
// Residents reach only their own household (the access rule answers 404 for any other).
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, ANY_ROLE } from '../../access/rules';
import { notFound } from '../../http/errors';
import { findHousehold, listHouseholdsOfVillage, listPersonsOfHousehold } from '../../repositories/households';
import { listEntriesOfHousehold } from '../../repositories/entries';
import { withEvidence } from '../evidence/attach';
import { listEventsOfHousehold } from '../../repositories/entry-events';
import { findTownshipOfVillage } from '../../repositories/villages';
import { villageStandings } from '../standings';
import { chinaYear } from '../clock';
import { settleDueNotices } from '../notices/settle';
import { DEFAULT_BASE_POINTS } from '../../../shared/domain/points';
import { rankInVillage } from '../../../shared/domain/ranking';
import type { HouseholdDetail } from '../dto';

export const householdRoutes = new Hono<AppEnv>()
  .get('/:householdId', allow({ roles: ANY_ROLE, scope: 'household' }), async (c) => {
    const deps = c.get('deps');
    const household = await findHousehold(deps.db, c.req.param('householdId'));
    if (!household) throw notFound('户不存在或不在您的范围内');
    await settleDueNotices(deps, deps.now(), household.villageId);

    const year = chinaYear(deps.now());
    const township = await findTownshipOfVillage(deps.db, household.villageId);
    const neighbours = await listHouseholdsOfVillage(deps.db, household.villageId);
    const standings = await villageStandings(deps.db, household.villageId, neighbours.map((h) => h.id), year, township?.basePoints ?? DEFAULT_BASE_POINTS);
    const own = standings.get(household.id);
    if (!own) throw notFound('户不存在或不在您的范围内');
    const all = [...standings.values()].map((s) => s.standing);

    const [persons, entries, events] = await Promise.all([
      listPersonsOfHousehold(deps.db, household.id),
      listEntriesOfHousehold(deps.db, household.id),
      listEventsOfHousehold(deps.db, household.id),
    ]);
    const body: HouseholdDetail = {
      household,
      persons,
      // Photos for staff; a resident's own page shows none (evidence is for reviewers).
      entries: c.get('user')?.role === 'resident' ? entries.map((e) => ({ ...e, evidence: [] })) : await withEvidence(deps.db, entries),
      standing: {
        year: own.year, base: own.base, effective: own.effective, pending: own.pending, standing: own.standing,
        projected: own.projected, maxDeduction: own.maxDeduction, stars: own.stars,
        rankInVillage: rankInVillage(all, own.standing), householdsInVillage: all.length,
      },
      history: events.map((e) => ({ entryId: e.entryId, fromState: e.fromState, toState: e.toState, reason: e.reason, at: e.at })),
    };
    return c.json(body, 200);
  });
