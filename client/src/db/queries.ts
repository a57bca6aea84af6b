// Read queries over the local database, used through useLiveQuery (composables/useLocalData.ts).
import { db, type LocalEntry, type OutboxItem } from './db';
import { META } from './meta';
import { entriesOf } from './entries';
import { summarizeOutbox, type OutboxSummary } from '../domain/sync-status';
import type {
  CatalogVersionDto, HouseholdDto, IndicatorDto, PersonDto, VillageDto,
} from '../../../shared/protocol/tables';

export async function villages(ids?: string[]): Promise<VillageDto[]> {
  const all = await db.villages.toArray();
  const list = ids ? all.filter((v) => ids.includes(v.id)) : all;
  return list.sort((a, b) => a.code.localeCompare(b.code));
}

export async function village(id: string): Promise<VillageDto | undefined> {
  return db.villages.get(id);
}

export async function householdCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await db.households.each((h) => {
    out[h.villageId] = (out[h.villageId] ?? 0) + 1;
  });
  return out;
}

export async function householdsOfVillage(villageId: string): Promise<HouseholdDto[]> {
  const list = await db.households.where('villageId').equals(villageId).toArray();
  return list.sort((a, b) => a.groupNo - b.groupNo || a.householdNo.localeCompare(b.householdNo, 'zh-CN', { numeric: true }));
}

export async function household(id: string): Promise<HouseholdDto | undefined> {
  return db.households.get(id);
}

export async function personsOfHousehold(householdId: string): Promise<PersonDto[]> {
  return db.persons.where('householdId').equals(householdId).toArray();
}

/** Newest first (by occurred-on date, then creation time). */
export async function entriesOfHousehold(householdId: string): Promise<LocalEntry[]> {
  const list = await entriesOf(householdId);
  // Plain comparison: both are ISO strings of one format (localeCompare costs ICU per pair).
  const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
  return list.sort((a, b) => desc(a.occurredOn, b.occurredOn) || desc(a.createdAt, b.createdAt));
}

/** Outbox items, oldest first; only `userId`'s when given. */
export async function outboxItems(userId?: string | null): Promise<OutboxItem[]> {
  const all = await db.outbox.orderBy('deviceSeq').toArray();
  return userId === undefined ? all : all.filter((i) => i.userId === userId);
}

/** Heads of households by id (to say whose entry a refused item is). */
export async function householdNames(ids: string[]): Promise<Record<string, string>> {
  const rows = await db.households.bulkGet([...new Set(ids)]);
  const out: Record<string, string> = {};
  for (const h of rows) if (h) out[h.id] = h.headName;
  return out;
}

/** The status screen's counts for `userId` (domain/sync-status.ts does the arithmetic). */
export async function outboxSummary(userId: string | null): Promise<OutboxSummary> {
  return summarizeOutbox(await db.outbox.toArray(), userId);
}

/** Display names of users whose work is on the phone. */
export async function knownUserNames(): Promise<Record<string, string>> {
  return ((await db.meta.get(META.knownUsers))?.value ?? {}) as Record<string, string>;
}

export async function metaValue<T>(key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

/**
 * The catalogue a new entry uses: the township's newest published version already in force on
 * `date` (falling back to the newest one at all), with its indicators in catalogue order.
 */
export async function currentCatalog(
  townshipId: string | null,
  date: string,
): Promise<{ version: CatalogVersionDto; indicators: IndicatorDto[] } | null> {
  let versions = townshipId
    ? await db.catalogVersions.where('townshipId').equals(townshipId).toArray()
    : await db.catalogVersions.toArray();
  if (versions.length === 0 && townshipId) versions = await db.catalogVersions.toArray();
  if (versions.length === 0) return null;
  const byNewest = [...versions].sort((a, b) => b.version - a.version);
  const version = byNewest.find((v) => v.status === 'published' && v.effectiveFrom <= date)
    ?? byNewest.find((v) => v.status === 'published') ?? byNewest[0];
  const indicators = await db.indicators.where('catalogVersionId').equals(version.id).toArray();
  indicators.sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
  return { version, indicators };
}

/**
 * Indicator names keyed by `<catalogVersionId>:<code>`, and by bare code as a fallback (codes are
 * stable across catalogue versions).
 */
export async function indicatorNames(): Promise<Map<string, { zh: string; en: string }>> {
  const out = new Map<string, { zh: string; en: string }>();
  await db.indicators.each((i) => {
    const name = { zh: i.nameZh, en: i.nameEn };
    out.set(`${i.catalogVersionId}:${i.code}`, name);
    if (!out.has(i.code)) out.set(i.code, name);
  });
  return out;
}

/** Every member of a village's households (for the search keys of its household list). */
export async function personsOfVillage(villageId: string): Promise<PersonDto[]> {
  return db.persons.where('villageId').equals(villageId).toArray();
}

/** Ids of records with an outbox item waiting or refused (the household page marks them). */
export async function outboxEntityIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  await db.outbox.each((i) => { ids.add(i.entityId); });
  return ids;
}
