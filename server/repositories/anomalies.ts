// Anomaly flags (migration 0006) and what the background job reads to compute them.
import type { Queryable } from './queryable';
import type { AnomalyFlag } from '../../shared/domain/anomalies';

export interface ActivityRow { recorderId: string; householdId: string; occurredOn: string; points: number }

/** A village's live entries of a date range (through entries_village_state: one village at a time, in the background). */
export async function listVillageActivity(db: Queryable, villageId: string, from: string, to: string): Promise<ActivityRow[]> {
  const rows = await db.selectFrom('entries').select(['recorder_id', 'household_id', 'occurred_on', 'points'])
    .where('village_id', '=', villageId).where('state', 'not in', ['withdrawn', 'rejected', 'returned'])
    .where('occurred_on', '>=', from).where('occurred_on', '<=', to).execute();
  return rows.map((r) => ({ recorderId: r.recorder_id, householdId: r.household_id, occurredOn: r.occurred_on, points: r.points }));
}

export interface Recorder { id: string; name: string; householdId: string | null; phone: string | null }

/** Staff who record in a township, with the household they are linked to and their phone. */
export async function listTownshipRecorders(db: Queryable, townshipId: string): Promise<Map<string, Recorder>> {
  const users = await db.selectFrom('users').select(['id', 'display_name', 'household_id', 'phone'])
    .where('township_id', '=', townshipId).where('role', 'in', ['collector', 'committee', 'admin']).execute();
  return new Map(users.map((u) => [u.id, { id: u.id, name: u.display_name, householdId: u.household_id, phone: u.phone }]));
}

/** Phone → households of a village's members (through persons_village). */
export async function listVillagePhones(db: Queryable, villageId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.selectFrom('persons').select(['household_id', 'phone']).where('village_id', '=', villageId).where('phone', 'is not', null).execute();
  const out = new Map<string, Set<string>>();
  for (const r of rows) if (r.phone) out.set(r.phone, (out.get(r.phone) ?? new Set()).add(r.household_id));
  return out;
}

export async function replaceTownshipFlags(db: Queryable, townshipId: string, flags: readonly (AnomalyFlag & { id: string })[], at: string): Promise<void> {
  await db.deleteFrom('anomaly_flags').where('township_id', '=', townshipId).execute();
  for (let i = 0; i < flags.length; i += 200) {
    await db.insertInto('anomaly_flags').values(flags.slice(i, i + 200).map((f) => ({
      id: f.id, township_id: townshipId, village_id: f.villageId, kind: f.kind, subject_id: f.subjectId, day: f.day,
      score: f.score, reason_zh: f.reasonZh, computed_at: at,
    }))).execute();
  }
}

export interface StoredFlag extends AnomalyFlag { id: string; computedAt: string }

export async function listTownshipFlags(db: Queryable, townshipId: string): Promise<StoredFlag[]> {
  const rows = await db.selectFrom('anomaly_flags').selectAll().where('township_id', '=', townshipId).orderBy('kind').orderBy('score', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind as AnomalyFlag['kind'], subjectId: r.subject_id, villageId: r.village_id, day: r.day, score: r.score,
    reasonZh: r.reason_zh, computedAt: r.computed_at,
  }));
}
