// GET /api/township/ranking?year=: the township's villages compared by rates, not raw totals.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { queryParams } from '../../http/validate';
import { heavyGate } from '../../http/rate-limit';
import { notFound } from '../../http/errors';
import { findTownship, listVillagesByIds, listVillageIdsOfTownship } from '../../repositories/villages';
import { listHouseholdsOfVillages } from '../../repositories/households';
import { countSubmittedByVillage, listStandingRows } from '../../repositories/entries';
import { standingsOf } from '../standings';
import { chinaYear } from '../clock';
import { rankVillages, type RankingVillageInput } from '../../../shared/domain/ranking';

const rankingQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

/** Participation counts an entry that is on its way to counting or counts; withdrawn and refused ones do not. */
const PARTICIPATING = new Set(['submitted', 'approved', 'publicized', 'objected', 'effective', 'amended', 'reversed']);

export const rankingRoutes = new Hono<AppEnv>()
  .get('/ranking', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), heavyGate, queryParams(rankingQuery), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const townshipId = assertTownship(user);
    const township = await findTownship(deps.db, townshipId);
    if (!township) throw notFound('镇街不存在');
    const year = c.req.valid('query').year ?? chinaYear(deps.now());

    const villages = await listVillagesByIds(deps.db, await listVillageIdsOfTownship(deps.db, townshipId));
    const ids = villages.map((v) => v.id);
    const [households, rows, submitted] = await Promise.all([
      listHouseholdsOfVillages(deps.db, ids), listStandingRows(deps.db, ids, year), countSubmittedByVillage(deps.db, ids),
    ]);
    const standings = standingsOf(households.map((h) => h.id), rows, year, township.basePoints);
    const participants = new Set(rows.filter((r) => PARTICIPATING.has(r.state)).map((r) => r.householdId));

    const rowsByVillage = groupBy(rows, (r) => r.villageId);
    const householdsByVillage = groupBy(households, (h) => h.villageId);
    const input: RankingVillageInput[] = villages.map((v) => {
      const own = rowsByVillage.get(v.id) ?? [];
      return {
        villageId: v.id,
        villageName: v.name,
        households: (householdsByVillage.get(v.id) ?? []).map((h) => {
          const s = standings.get(h.id);
          return { standing: s?.standing ?? township.basePoints, stars: s?.stars ?? 1, hasEntryInPeriod: participants.has(h.id) };
        }),
        entriesThisYear: own.filter((r) => r.state !== 'withdrawn').length,
        pendingReview: submitted.get(v.id) ?? 0,
        effectiveEntries: own.filter((r) => r.state === 'effective').length,
      };
    });
    return c.json({ year, rows: rankVillages(input) }, 200);
  });

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
