// Rows fetched through the REST endpoints (a bootstrap aid next to the sync pull): stored in the
// same tables, never replacing a newer row that the pull already brought.
import { db } from './db';
import { PULLED_COLUMNS } from '../../../shared/protocol/tables';
import type { CatalogVersionDto, HouseholdDto, IndicatorDto, VillageDto } from '../../../shared/protocol/tables';

function pick<T>(row: object, cols: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c as string] = (row as Record<string, unknown>)[c as string] ?? null;
  return out as T;
}

export async function cacheVillages(villages: VillageDto[]): Promise<void> {
  await db.villages.bulkPut(villages.map((v) => pick<VillageDto>(v, PULLED_COLUMNS.village)));
}

export async function cacheHouseholds(households: HouseholdDto[]): Promise<void> {
  await db.transaction('rw', db.households, async () => {
    const existing = await db.households.bulkGet(households.map((h) => h.id));
    const fresher = households.filter((h, i) => {
      const old = existing[i];
      return !old || old.version <= h.version;
    });
    await db.households.bulkPut(fresher.map((h) => pick<HouseholdDto>(h, PULLED_COLUMNS.household)));
  });
}

/** Catalogue versions are never edited once used, so a fetched copy is as good as a pulled one. */
export async function cacheCatalog(version: CatalogVersionDto, indicators: IndicatorDto[]): Promise<void> {
  await db.transaction('rw', [db.catalogVersions, db.indicators], async () => {
    await db.catalogVersions.put(pick<CatalogVersionDto>(version, PULLED_COLUMNS.catalogVersion));
    await db.indicators.bulkPut(indicators.map((i) => pick<IndicatorDto>(i, PULLED_COLUMNS.indicator)));
  });
}

export async function hasCatalog(): Promise<boolean> {
  return (await db.indicators.count()) > 0;
}

export async function householdCountOf(villageId: string): Promise<number> {
  return db.households.where('villageId').equals(villageId).count();
}
