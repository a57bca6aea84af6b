// /api/catalog/versions: township staff draft a catalogue version, edit its indicators while it
// is a draft, and publish it from a date after the checker (shared/domain/catalog-check.ts) found
// nothing forbidden. Phones learn of a published version through the township's change log.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { recordChanges } from '../../db/changes';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { AppError, notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import {
  deleteIndicator, findCatalogVersionForUpdate, findCurrentCatalogVersion, insertCatalogVersion, listCatalogVersions,
  listIndicatorIds, listIndicatorsWithBasis, publishCatalogVersion, updateDraftVersion, upsertIndicator,
} from '../../repositories/catalog';
import { chinaToday } from '../clock';
import { scopeOfTownship } from '../../../shared/protocol/sync';
import { CAP_PERIODS } from '../../../shared/domain/period';
import { BASIS_KINDS, basisKindFromCondition, checkCatalog } from '../../../shared/domain/catalog-check';
import { DEFAULT_INDICATORS, INDICATOR_CATEGORIES } from '../../../shared/domain/catalog-default';
import { assertEditable, assertPublishDate } from './edit-rules';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const draftBody = z.object({ name: z.string().trim().min(1).max(60), effectiveFrom: date });
const versionPatch = z.object({ name: z.string().trim().min(1).max(60).optional(), effectiveFrom: date.optional() });
const indicatorBody = z.object({
  category: z.enum(INDICATOR_CATEGORIES.map((c) => c.zh) as [string, ...string[]]),
  nameZh: z.string().trim().min(1).max(60), nameEn: z.string().trim().max(80).default(''),
  sign: z.union([z.literal(1), z.literal(-1)]), pointsMin: z.number().int().min(-100).max(100), pointsMax: z.number().int().min(-100).max(100),
  capCount: z.number().int().min(1).max(100).nullable().default(null), capPeriod: z.enum(CAP_PERIODS).nullable().default(null),
  evidenceRequired: z.boolean().default(false), subject: z.enum(['household', 'person']).default('household'),
  recorderRoles: z.array(z.enum(['collector', 'committee', 'admin'])).min(1).default(['collector', 'committee']),
  sort: z.number().int().min(0).max(100000).default(0), basisKind: z.enum(BASIS_KINDS).nullable().default(null),
});
const publishBody = z.object({ effectiveFrom: date.optional() });
const codeParam = /^[A-Za-z0-9_-]{1,16}$/;

export const catalogVersionRoutes = new Hono<AppEnv>()
  .get('/versions', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json({ versions: await listCatalogVersions(c.get('deps').db, townshipId) }, 200);
  })
  .get('/versions/:versionId', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const db = c.get('deps').db;
    const version = await findCatalogVersionForUpdate(db, c.req.param('versionId'));
    if (!version || version.townshipId !== townshipId) throw notFound('目录版本不存在');
    const indicators = await listIndicatorsWithBasis(db, version.id);
    return c.json({ version, indicators, problems: checkCatalog(indicators) }, 200);
  })
  .post('/versions', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(draftBody), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const version = await writeTransaction(deps, async (trx) => {
      const versions = await listCatalogVersions(trx, townshipId);
      const id = uuidv7();
      await insertCatalogVersion(trx, { id, townshipId, version: (versions[0]?.version ?? 0) + 1, name: body.name, effectiveFrom: body.effectiveFrom });
      // A draft starts as a copy of the version in force (or of the default catalogue).
      const current = await findCurrentCatalogVersion(trx, townshipId, chinaToday(deps.now()));
      const source = current
        ? await listIndicatorsWithBasis(trx, current.id)
        : DEFAULT_INDICATORS.map((d) => ({ ...d, basisKind: basisKindFromCondition(d.conditionZh) }));
      for (const i of source) {
        await upsertIndicator(trx, id, uuidv7(), {
          code: i.code, category: i.category, nameZh: i.nameZh, nameEn: i.nameEn, sign: i.sign, pointsMin: i.pointsMin, pointsMax: i.pointsMax,
          capCount: i.capCount, capPeriod: i.capPeriod, evidenceRequired: i.evidenceRequired, subject: i.subject,
          recorderRoles: [...i.recorderRoles], sort: i.sort,
          // Versions from before 0006 carry no basis kind: take the one the default catalogue's condition names.
          basisKind: i.basisKind ?? basisKindFromCondition(DEFAULT_INDICATORS.find((d) => d.code === i.code && d.nameZh === i.nameZh)?.conditionZh ?? null),
        });
      }
      return findCatalogVersionForUpdate(trx, id);
    });
    return c.json({ version }, 201);
  })
  .patch('/versions/:versionId', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(versionPatch), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const deps = c.get('deps');
    const version = await writeTransaction(deps, async (trx) => {
      const v = await findCatalogVersionForUpdate(trx, c.req.param('versionId'));
      if (!v || v.townshipId !== townshipId) throw notFound('目录版本不存在');
      assertEditable(v, chinaToday(deps.now()));
      await updateDraftVersion(trx, v.id, c.req.valid('json'));
      return findCatalogVersionForUpdate(trx, v.id);
    });
    return c.json({ version }, 200);
  })
  .put('/versions/:versionId/indicators/:code', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(indicatorBody), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const deps = c.get('deps');
    const code = c.req.param('code');
    if (!codeParam.test(code)) throw new AppError(400, 'invalid_code', '指标代码只能包含字母、数字、下划线和短横线');
    const body = c.req.valid('json');
    const indicator = await writeTransaction(deps, async (trx) => {
      const v = await findCatalogVersionForUpdate(trx, c.req.param('versionId'));
      if (!v || v.townshipId !== townshipId) throw notFound('目录版本不存在');
      assertEditable(v, chinaToday(deps.now()));
      await upsertIndicator(trx, v.id, uuidv7(), { ...body, code, sign: body.sign, nameEn: body.nameEn || body.nameZh });
      return (await listIndicatorsWithBasis(trx, v.id)).find((i) => i.code === code)!;
    });
    return c.json({ indicator, problems: checkCatalog([indicator]) }, 200);
  })
  .delete('/versions/:versionId/indicators/:code', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const deps = c.get('deps');
    await writeTransaction(deps, async (trx) => {
      const v = await findCatalogVersionForUpdate(trx, c.req.param('versionId'));
      if (!v || v.townshipId !== townshipId) throw notFound('目录版本不存在');
      assertEditable(v, chinaToday(deps.now()));
      if (!(await deleteIndicator(trx, v.id, c.req.param('code')))) throw notFound('指标不存在');
    });
    return c.body(null, 204);
  })
  .post('/versions/:versionId/publish', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(publishBody), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const deps = c.get('deps');
    const today = chinaToday(deps.now());
    const version = await writeTransaction(deps, async (trx) => {
      const v = await findCatalogVersionForUpdate(trx, c.req.param('versionId'));
      if (!v || v.townshipId !== townshipId) throw notFound('目录版本不存在');
      assertEditable(v, today);
      const effectiveFrom = c.req.valid('json').effectiveFrom ?? v.effectiveFrom;
      assertPublishDate(effectiveFrom, today, (await listCatalogVersions(trx, townshipId)).filter((x) => x.status === 'published'));
      const indicators = await listIndicatorsWithBasis(trx, v.id);
      if (indicators.length === 0) throw new AppError(422, 'catalog_empty', '目录中没有指标，不能发布');
      const problems = checkCatalog(indicators);
      if (problems.length > 0) {
        throw new AppError(422, 'catalog_refused', `目录有 ${problems.length} 处不符合规定，未发布：${problems.map((p) => p.message).join('；')}`);
      }
      await publishCatalogVersion(trx, v.id, effectiveFrom, deps.now().toISOString());
      // Phones pull the version and its indicators from the township's change log.
      await recordChanges(trx, scopeOfTownship(townshipId), 'catalogVersion', [v.id]);
      await recordChanges(trx, scopeOfTownship(townshipId), 'indicator', await listIndicatorIds(trx, v.id));
      return findCatalogVersionForUpdate(trx, v.id);
    });
    return c.json({ version }, 200);
  });
