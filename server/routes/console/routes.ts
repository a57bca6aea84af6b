// The township console (issue 11): charts of the year, anomaly checks, the audit log and the exports.
// Every route is the staff member's own township (scope 'township' or 'anomaly'); the drill-down to
// a village's households and a household's entries uses the village and household routes.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv, Deps } from '../../context';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { jsonBody, queryParams } from '../../http/validate';
import { heavyGate } from '../../http/rate-limit';
import { notFound } from '../../http/errors';
import { writeTransaction } from '../../db/transaction';
import { recordAudit, listAudit } from '../../repositories/audit';
import { findTownship, listVillagesByIds, listVillageIdsOfTownship } from '../../repositories/villages';
import { findFlag, listUserNames, listVillageMonths, upsertAnomalyCheck } from '../../repositories/console';
import { chinaToday, chinaYear } from '../clock';
import { townshipRanking } from '../ranking/rates';
import { DEFAULT_RANKING_METRIC } from '../../../shared/domain/ranking';
import { ROW_SOURCES } from '../../exports/sources';
import { EXPORT_FORMATS, type ExportContext } from '../../exports/types';
import { exportResponse } from '../../exports/respond';

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const exportQuery = yearQuery.extend({ format: z.enum(EXPORT_FORMATS).optional() });
const auditQuery = z.object({
  before: z.string().regex(/^[^|]+\|[^|]+$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
const checkBody = z.object({ note: z.string().trim().min(1).max(500) });

const nameOrder = new Intl.Collator('zh-CN');

/** The staff member's township, its villages (pinyin order), the year asked for and today. */
async function townshipScope(deps: Deps, townshipId: string, year: number | undefined) {
  const township = await findTownship(deps.db, townshipId);
  if (!township) throw notFound('镇街不存在');
  const villages = (await listVillagesByIds(deps.db, await listVillageIdsOfTownship(deps.db, townshipId)))
    .sort((a, b) => nameOrder.compare(a.name, b.name));
  return { township, villages, year: year ?? chinaYear(deps.now()), today: chinaToday(deps.now()) };
}

const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

const routes = new Hono<AppEnv>()
  .get('/charts', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), heavyGate, queryParams(yearQuery), async (c) => {
    const deps = c.get('deps');
    const { township, villages, year, today } = await townshipScope(deps, assertTownship(requireUser(c.get('user'))), c.req.valid('query').year);
    const [{ ranked, unranked, figures }, months] = await Promise.all([
      townshipRanking(deps.db, { villages, year, base: township.basePoints, today, metric: DEFAULT_RANKING_METRIC }),
      listVillageMonths(deps.db, villages.map((v) => v.id), year),
    ]);
    // Star levels of every household (the villages' figures count those without a kept row at the base).
    const stars = [1, 2, 3, 4, 5].map((level) => ({ level, households: 0 }));
    for (const f of figures.values()) f.stars.forEach((n, i) => { stars[i].households += n; });
    return c.json({
      year,
      villages: villages.map((v) => ({ id: v.id, name: v.name })),
      months: monthsOf(year),
      trend: months,
      ranking: ranked.map((r) => ({ villageId: r.villageId, villageName: r.villageName, rank: r.rank, participationRate: r.participationRate, pointsIssued: r.pointsIssued })),
      stars,
      backlog: [...ranked, ...unranked].filter((r) => r.pendingReview > 0)
        .map((r) => ({ villageId: r.villageId, villageName: r.villageName, pending: r.pendingReview, ageDays: r.pendingReviewAgeDays }))
        .sort((a, b) => b.pending - a.pending),
    }, 200);
  })
  .post('/anomalies/:flagId/check', allow({ roles: TOWNSHIP_STAFF, scope: 'anomaly' }), jsonBody(checkBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const flag = await findFlag(deps.db, c.req.param('flagId'));
    if (!flag) throw notFound('提示不存在或不在您的范围内');
    const { note } = c.req.valid('json');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      await upsertAnomalyCheck(trx, { id: uuidv7(), townshipId, villageId: flag.village_id, kind: flag.kind, subjectId: flag.subject_id, day: flag.day, note, checkedBy: user.id, at });
      await recordAudit(trx, { townshipId, villageId: flag.village_id, actorId: user.id, action: 'anomaly.check', subjectKind: flag.kind, subjectId: flag.subject_id, detail: { day: flag.day, flagId: flag.id }, at });
    });
    return c.json({ check: { kind: flag.kind, subjectId: flag.subject_id, day: flag.day ?? '', note, checkedBy: user.id, checkedByName: user.displayName, checkedAt: at } }, 200);
  })
  .get('/audit', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), queryParams(auditQuery), async (c) => {
    const deps = c.get('deps');
    const townshipId = assertTownship(requireUser(c.get('user')));
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const before = q.before ? { at: q.before.split('|')[0], id: q.before.split('|')[1] } : undefined;
    const rows = await listAudit(deps.db, townshipId, { before, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const names = await listUserNames(deps.db, page.map((r) => r.actorId));
    const last = page[page.length - 1];
    return c.json({
      entries: page.map((r) => ({ ...r, actorName: names.get(r.actorId) ?? '' })),
      nextBefore: rows.length > limit && last ? `${last.at}|${last.id}` : null,
    }, 200);
  });

/** GET /exports/<key>?format=csv|xlsx&year=: one route per row source (server/exports/sources). */
function withExports(app: typeof routes) {
  for (const source of ROW_SOURCES) {
    app.get(`/exports/${source.key}`, allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), heavyGate, queryParams(exportQuery), async (c) => {
      const deps = c.get('deps');
      const user = requireUser(c.get('user'));
      const q = c.req.valid('query');
      const { township, villages, year, today } = await townshipScope(deps, assertTownship(user), q.year);
      const ctx: ExportContext = { db: deps.db, pii: deps.pii, townshipId: township.id, townshipName: township.name, villages, year, today, basePoints: township.basePoints };
      return exportResponse(deps, user.id, source, ctx, q.format ?? 'csv');
    });
  }
  return app;
}

export const consoleRoutes = withExports(routes);
