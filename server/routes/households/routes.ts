// GET /api/households/:householdId: the household, its members, every entry, its standing, why
// (entry by entry, guardrail 10) and what would raise it (guardrail 3).
// Residents reach only their own household (the access rule answers 404 for any other).
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, ANY_ROLE } from '../../access/rules';
import { notFound } from '../../http/errors';
import { findHousehold, listPersonsOfHousehold } from '../../repositories/households';
import { listEntriesOfHousehold } from '../../repositories/entries';
import { withEvidence } from '../evidence/attach';
import { listEventsOfHousehold } from '../../repositories/entry-events';
import { findTownshipOfVillage } from '../../repositories/villages';
import { countHouseholdTallyRows, countHouseholdsAbove, countHouseholdsByVillage, findHouseholdTally } from '../../repositories/tallies';
import { chinaToday, chinaYear } from '../clock';
import { settleDueNotices } from '../notices/settle';
import { computeStanding, DEFAULT_BASE_POINTS } from '../../../shared/domain/points';
import { starLevel } from '../../../shared/domain/stars';
import { explainStanding } from '../../../shared/domain/explain';
import type { HouseholdDetail } from '../dto';
import { residentView } from '../residents/view';

export const householdRoutes = new Hono<AppEnv>()
  .get('/:householdId', allow({ roles: ANY_ROLE, scope: 'household' }), async (c) => {
    const deps = c.get('deps');
    const household = await findHousehold(deps.db, c.req.param('householdId'));
    if (!household) throw notFound('户不存在或不在您的范围内');
    await settleDueNotices(deps, deps.now(), household.villageId);

    const today = chinaToday(deps.now());
    const year = chinaYear(deps.now());
    const township = await findTownshipOfVillage(deps.db, household.villageId);
    const base = township?.basePoints ?? DEFAULT_BASE_POINTS;
    const [persons, entries, events, tally, householdsInVillage, rows] = await Promise.all([
      listPersonsOfHousehold(deps.db, household.id),
      listEntriesOfHousehold(deps.db, household.id),
      listEventsOfHousehold(deps.db, household.id),
      findHouseholdTally(deps.db, household.id, year),
      countHouseholdsByVillage(deps.db, [household.villageId]).then((m) => m.get(household.villageId) ?? 0),
      countHouseholdTallyRows(deps.db, household.villageId, year),
    ]);
    // A reversal reverses an entry of the same household, so the pairing is within this list.
    const reversedBy = new Map<string, string>();
    for (const e of entries) if (e.reverses && !['rejected', 'withdrawn'].includes(e.state)) reversedBy.set(e.reverses, e.id);
    // The household's own entries give its standing exactly; its rank compares kept tallies.
    const own = computeStanding({ year, basePoints: base, entries, asOf: today });
    const ownPoints = tally?.effectivePoints ?? 0;
    const above = await countHouseholdsAbove(deps.db, household.villageId, year, ownPoints)
      + (ownPoints < 0 ? Math.max(0, householdsInVillage - rows) : 0);
    const explanation = explainStanding({
      year, base, today,
      entries: entries.map((e) => ({ id: e.id, occurredOn: e.occurredOn, points: e.points, state: e.state, indicatorName: e.indicatorNameZh })),
    });
    const body: HouseholdDetail = {
      household,
      persons,
      // Photos for staff; a resident's own page shows none (evidence is for reviewers).
      entries: (c.get('user')?.role === 'resident' ? entries.map((e) => ({ ...e, evidence: [] })) : await withEvidence(deps.db, entries))
        .map((e) => ({ ...e, reversedBy: reversedBy.get(e.id) ?? null })),
      standing: {
        year: own.year, base: own.base, effective: own.effective, pending: own.pending, standing: own.standing,
        projected: own.projected, maxDeduction: own.maxDeduction, stars: starLevel(own.standing, own.maxDeduction),
        rankInVillage: above + 1, householdsInVillage,
      },
      explanation,
      history: events.map((e) => ({ entryId: e.entryId, fromState: e.fromState, toState: e.toState, reason: e.reason, at: e.at })),
    };
    if (c.get('user')?.role === 'resident') return c.json(await residentView(deps, body), 200);
    return c.json(body, 200);
  });
