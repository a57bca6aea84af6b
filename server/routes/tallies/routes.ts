// Township review of tallies (issue 12): anomaly flags (computed in the background and stored),
// the township's cadence and per-recorder-per-day cap, a village's own cadence, and a village's
// frozen public boards per closed period.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, STAFF, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { jsonBody } from '../../http/validate';
import { listTownshipFlags } from '../../repositories/anomalies';
import { anomalyCheckKey, listAnomalyChecks, listUserNames } from '../../repositories/console';
import { listBoard, listClosedPeriods } from '../../repositories/periods';
import { findTownshipCadence, setTownshipSettings, setVillageCadence } from '../../repositories/tally-settings';
import { CADENCES } from '../../../shared/domain/cadence';
import { householdsShownIn } from '../../repositories/consents';
import { householdsWithMinorHead } from '../../repositories/residents';

const settingsBody = z.object({
  cadence: z.enum(CADENCES).optional(),
  recorderDayCap: z.number().int().min(1).max(1000).nullable().optional(),
});
const villageCadenceBody = z.object({ cadence: z.enum(CADENCES).nullable() });

export const townshipTallyRoutes = new Hono<AppEnv>()
  .get('/anomalies', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const db = c.get('deps').db;
    const [flags, checks] = await Promise.all([listTownshipFlags(db, townshipId), listAnomalyChecks(db, townshipId)]);
    const names = await listUserNames(db, [...checks.values()].map((k) => k.checkedBy));
    return c.json({
      flags: flags.map((f) => {
        const check = checks.get(anomalyCheckKey(f.kind, f.subjectId, f.day));
        return { ...f, check: check ? { note: check.note, checkedBy: check.checkedBy, checkedByName: names.get(check.checkedBy) ?? '', checkedAt: check.checkedAt } : null };
      }),
    }, 200);
  })
  .get('/settings', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json({ settings: await findTownshipCadence(c.get('deps').db, townshipId) }, 200);
  })
  .patch('/settings', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(settingsBody), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const db = c.get('deps').db;
    await setTownshipSettings(db, townshipId, c.req.valid('json'));
    return c.json({ settings: await findTownshipCadence(db, townshipId) }, 200);
  })
  .put('/villages/:villageId/cadence', allow({ roles: TOWNSHIP_STAFF, scope: 'village' }), jsonBody(villageCadenceBody), async (c) => {
    await setVillageCadence(c.get('deps').db, c.req.param('villageId'), c.req.valid('json').cadence);
    return c.json({ villageId: c.req.param('villageId'), cadence: c.req.valid('json').cadence }, 200);
  });

export const villageBoardRoutes = new Hono<AppEnv>()
  .get('/:villageId/boards', allow({ roles: STAFF, scope: 'village' }), async (c) => {
    const db = c.get('deps').db;
    const villageId = c.req.param('villageId');
    const periods = await listClosedPeriods(db, villageId);
    const latest = periods[0];
    // Honours only, and only of households that consent now (guardrails 4, 5): a household that
    // withdrew its consent after the period closed leaves the frozen board too; a minor-headed
    // household is never on it.
    const [consenting, minorHeads] = await Promise.all([householdsShownIn(db, villageId, 'village_board'), householdsWithMinorHead(db, villageId)]);
    const households = latest ? (await listBoard(db, villageId, latest.periodKey)).filter((h) => consenting.has(h.householdId) && !minorHeads.has(h.householdId)) : [];
    return c.json({ periods, board: latest ? { periodKey: latest.periodKey, households } : null }, 200);
  });
