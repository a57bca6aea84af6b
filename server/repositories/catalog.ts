// Indicator catalogue versions of a township.
import type { Queryable } from './queryable';
import { bool } from './queryable';
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
