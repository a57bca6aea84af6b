// Townships and villages.
import type { Queryable } from './queryable';
import type { VillageDto } from '../../shared/protocol/tables';

type VillageRow = { id: string; township_id: string; code: string; name: string };
const toVillage = (r: VillageRow): VillageDto => ({ id: r.id, townshipId: r.township_id, code: r.code, name: r.name });

export async function listVillageIdsOfTownship(db: Queryable, townshipId: string): Promise<string[]> {
  const rows = await db.selectFrom('villages').select('id').where('township_id', '=', townshipId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function listAllVillageIds(db: Queryable): Promise<string[]> {
  const rows = await db.selectFrom('villages').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function listVillagesByIds(db: Queryable, ids: readonly string[]): Promise<VillageDto[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('villages').select(['id', 'township_id', 'code', 'name']).where('id', 'in', [...ids]).orderBy('code').execute();
  return rows.map(toVillage);
}

export async function findVillage(db: Queryable, id: string): Promise<VillageDto | null> {
  const row = await db.selectFrom('villages').select(['id', 'township_id', 'code', 'name']).where('id', '=', id).executeTakeFirst();
  return row ? toVillage(row) : null;
}

export interface TownshipSettings { id: string; name: string; basePoints: number; noticeDays: number }

export async function findTownship(db: Queryable, id: string): Promise<TownshipSettings | null> {
  const row = await db.selectFrom('townships').select(['id', 'name', 'base_points', 'notice_days']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, basePoints: row.base_points, noticeDays: row.notice_days } : null;
}

/** The township a village belongs to, with its settings (base points, notice days). */
export async function findTownshipOfVillage(db: Queryable, villageId: string): Promise<TownshipSettings | null> {
  const row = await db
    .selectFrom('villages')
    .innerJoin('townships', 'townships.id', 'villages.township_id')
    .select(['townships.id', 'townships.name', 'townships.base_points', 'townships.notice_days'])
    .where('villages.id', '=', villageId)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, basePoints: row.base_points, noticeDays: row.notice_days } : null;
}
