// Township and village settings of issue 12: cadence and the per-recorder-per-day cap (0006).
import type { Queryable } from './queryable';

export async function findTownshipCadence(db: Queryable, townshipId: string): Promise<{ cadence: string; recorderDayCap: number | null } | null> {
  const r = await db.selectFrom('townships').select(['cadence', 'recorder_day_cap']).where('id', '=', townshipId).executeTakeFirst();
  return r ? { cadence: r.cadence, recorderDayCap: r.recorder_day_cap } : null;
}

export async function setTownshipSettings(db: Queryable, townshipId: string, s: { cadence?: string; recorderDayCap?: number | null }): Promise<void> {
  const set: { cadence?: string; recorder_day_cap?: number | null } = {};
  if (s.cadence !== undefined) set.cadence = s.cadence;
  if (s.recorderDayCap !== undefined) set.recorder_day_cap = s.recorderDayCap;
  if (Object.keys(set).length) await db.updateTable('townships').set(set).where('id', '=', townshipId).execute();
}

export async function setVillageCadence(db: Queryable, villageId: string, cadence: string | null): Promise<void> {
  await db.updateTable('villages').set({ cadence }).where('id', '=', villageId).execute();
}
