// Computes a township's anomaly flags for the year so far, in the background (main.ts timer):
// village by village through the entries' village index, then the township's recorder norm.
// Never on a request; the route only lists the stored flags.
import { uuidv7 } from 'uuidv7';
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import { listTownshipRecorders, listVillageActivity, listVillagePhones, replaceTownshipFlags } from '../repositories/anomalies';
import { listVillagesByIds, listVillageIdsOfTownship } from '../repositories/villages';
import {
  concentratedDeductions, householdBursts, ownHouseholdEntries, recorderOutliers, type AnomalyFlag,
} from '../../shared/domain/anomalies';

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function computeTownshipFlags(deps: TransactionDeps, townshipId: string, today: string, at: string): Promise<AnomalyFlag[]> {
  const from = `${today.slice(0, 4)}-01-01`;
  const villages = await listVillagesByIds(deps.db, await listVillageIdsOfTownship(deps.db, townshipId));
  const recorders = await listTownshipRecorders(deps.db, townshipId);
  const perRecorder = new Map<string, number>();
  const flags: AnomalyFlag[] = [];
  for (const v of villages) {
    const rows = await listVillageActivity(deps.db, v.id, from, today);
    const phones = await listVillagePhones(deps.db, v.id);
    // A recorder's own household: the one their account is linked to, or one a member shares their phone with.
    const isHome = (recorderId: string, householdId: string) => {
      const r = recorders.get(recorderId);
      return !!r && (r.householdId === householdId || (!!r.phone && !!phones.get(r.phone)?.has(householdId)));
    };
    const perDay = new Map<string, number>();
    const own = new Map<string, { recorderId: string; householdId: string; entries: number }>();
    const deductions = new Map<string, number>();
    for (const r of rows) {
      perRecorder.set(r.recorderId, (perRecorder.get(r.recorderId) ?? 0) + 1);
      const dayKey = `${r.householdId}|${r.occurredOn}`;
      perDay.set(dayKey, (perDay.get(dayKey) ?? 0) + 1);
      if (isHome(r.recorderId, r.householdId)) {
        const k = `${r.recorderId}|${r.householdId}`;
        own.set(k, { recorderId: r.recorderId, householdId: r.householdId, entries: (own.get(k)?.entries ?? 0) + 1 });
      }
      if (r.points < 0) deductions.set(r.householdId, (deductions.get(r.householdId) ?? 0) + 1);
    }
    flags.push(...householdBursts([...perDay].map(([k, entries]) => {
      const [householdId, day] = k.split('|');
      return { householdId, villageId: v.id, day, entries };
    })));
    flags.push(...ownHouseholdEntries([...own.values()].map((o) => ({ ...o, villageId: v.id, name: recorders.get(o.recorderId)?.name }))));
    const conc = concentratedDeductions(v.id, [...deductions.values()], v.name);
    if (conc) flags.push(conc);
    await yieldToRequests();
  }
  flags.push(...recorderOutliers([...perRecorder].map(([recorderId, entries]) => ({ recorderId, entries, name: recorders.get(recorderId)?.name }))));
  await writeTransaction(deps, (trx) => replaceTownshipFlags(trx, townshipId, flags.map((f) => ({ ...f, id: uuidv7() })), at));
  return flags;
}
