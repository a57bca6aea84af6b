// Indicator catalogue versions of a township.
import type { Queryable } from './queryable';
import { bool } from './queryable';
import { supportsRowLocks } from './locks';
import type { CatalogVersionDto, IndicatorDto } from '../../shared/protocol/tables';

/** The published version in force on `today`: the highest version whose effective date has come. */
export async function findCurrentCatalogVersion(db: Queryable, townshipId: string, today: string): Promise<CatalogVersionDto | null> {
  const row = await db
    .selectFrom('catalog_versions')
    .select(['id', 'township_id', 'version', 'name', 'effective_from', 'status'])
    .where('township_id', '=', townshipId)
    .where('status', '=', 'published')
    .where('effective_from', '<=', today)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? { id: row.id, townshipId: row.township_id, version: row.version, name: row.name, effectiveFrom: row.effective_from, status: row.status }
    : null;
}

export async function listIndicators(db: Queryable, catalogVersionId: string): Promise<IndicatorDto[]> {
  const rows = await db.selectFrom('indicators').selectAll().where('catalog_version_id', '=', catalogVersionId).orderBy('sort').orderBy('code').execute();
  return rows.map((r) => ({
    id: r.id, catalogVersionId: r.catalog_version_id, code: r.code, category: r.category, nameZh: r.name_zh, nameEn: r.name_en,
    sign: r.sign < 0 ? -1 : 1, pointsMin: r.points_min, pointsMax: r.points_max, capCount: r.cap_count, capPeriod: r.cap_period,
    evidenceRequired: bool(r.evidence_required), subject: r.subject === 'person' ? 'person' : 'household',
    recorderRoles: r.recorder_roles.split(',').filter(Boolean), sort: r.sort,
  }));
}

// ---- catalogue versions: drafts, edits while draft, publishing (issue 12) ------------------

export interface CatalogVersionRow extends CatalogVersionDto { publishedAt: string | null }

export async function listCatalogVersions(db: Queryable, townshipId: string): Promise<CatalogVersionRow[]> {
  const rows = await db.selectFrom('catalog_versions')
    .select(['id', 'township_id', 'version', 'name', 'effective_from', 'status', 'published_at'])
    .where('township_id', '=', townshipId).orderBy('version', 'desc').execute();
  return rows.map((r) => ({
    id: r.id, townshipId: r.township_id, version: r.version, name: r.name, effectiveFrom: r.effective_from, status: r.status, publishedAt: r.published_at,
  }));
}

export async function findCatalogVersionForUpdate(db: Queryable, id: string): Promise<CatalogVersionRow | null> {
  const qb = db.selectFrom('catalog_versions')
    .select(['id', 'township_id', 'version', 'name', 'effective_from', 'status', 'published_at']).where('id', '=', id);
  const r = await (supportsRowLocks(db) ? qb.forUpdate() : qb).executeTakeFirst();
  return r ? { id: r.id, townshipId: r.township_id, version: r.version, name: r.name, effectiveFrom: r.effective_from, status: r.status, publishedAt: r.published_at } : null;
}

export interface IndicatorInput {
  code: string; category: string; nameZh: string; nameEn: string; sign: 1 | -1; pointsMin: number; pointsMax: number;
  capCount: number | null; capPeriod: string | null; evidenceRequired: boolean; subject: 'household' | 'person';
  recorderRoles: string[]; sort: number; basisKind: string | null;
}

export async function insertCatalogVersion(db: Queryable, v: { id: string; townshipId: string; version: number; name: string; effectiveFrom: string }): Promise<void> {
  await db.insertInto('catalog_versions').values({
    id: v.id, township_id: v.townshipId, version: v.version, name: v.name, effective_from: v.effectiveFrom, status: 'draft', published_at: null,
  }).execute();
}

export async function upsertIndicator(db: Queryable, catalogVersionId: string, id: string, i: IndicatorInput): Promise<string> {
  const existing = await db.selectFrom('indicators').select('id').where('catalog_version_id', '=', catalogVersionId).where('code', '=', i.code).executeTakeFirst();
  const values = {
    category: i.category, name_zh: i.nameZh, name_en: i.nameEn, sign: i.sign, points_min: i.pointsMin, points_max: i.pointsMax,
    cap_count: i.capCount, cap_period: i.capPeriod, evidence_required: i.evidenceRequired ? 1 : 0, subject: i.subject,
    recorder_roles: i.recorderRoles.join(','), sort: i.sort, basis_kind: i.basisKind,
  };
  if (existing) {
    await db.updateTable('indicators').set(values).where('id', '=', existing.id).execute();
    return existing.id;
  }
  await db.insertInto('indicators').values({ id, catalog_version_id: catalogVersionId, code: i.code, ...values }).execute();
  return id;
}

export async function deleteIndicator(db: Queryable, catalogVersionId: string, code: string): Promise<boolean> {
  const r = await db.deleteFrom('indicators').where('catalog_version_id', '=', catalogVersionId).where('code', '=', code).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listIndicatorsWithBasis(db: Queryable, catalogVersionId: string): Promise<(IndicatorDto & { basisKind: string | null })[]> {
  const rows = await db.selectFrom('indicators').select(['id', 'basis_kind']).where('catalog_version_id', '=', catalogVersionId).execute();
  const basis = new Map(rows.map((r) => [r.id, r.basis_kind]));
  return (await listIndicators(db, catalogVersionId)).map((i) => ({ ...i, basisKind: basis.get(i.id) ?? null }));
}

export async function publishCatalogVersion(db: Queryable, id: string, effectiveFrom: string, at: string): Promise<void> {
  await db.updateTable('catalog_versions').set({ status: 'published', effective_from: effectiveFrom, published_at: at }).where('id', '=', id).execute();
}

export async function updateDraftVersion(db: Queryable, id: string, patch: { name?: string; effectiveFrom?: string }): Promise<void> {
  const set: { name?: string; effective_from?: string } = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.effectiveFrom !== undefined) set.effective_from = patch.effectiveFrom;
  if (Object.keys(set).length) await db.updateTable('catalog_versions').set(set).where('id', '=', id).execute();
}

export async function listIndicatorIds(db: Queryable, catalogVersionId: string): Promise<string[]> {
  return (await db.selectFrom('indicators').select('id').where('catalog_version_id', '=', catalogVersionId).execute()).map((r) => r.id);
}
