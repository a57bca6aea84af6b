// Reads of the phone's credit ledger (field-entry): a household's credit records for the household
// page, and the credit kinds this phone offers for a village (its township's pulled list, else the
// defaults: shared/domain/credit.ts kindsOffered).
import { db, type LocalCreditRecord } from './db';
import { kindsOffered, type CreditKindRow } from '../../../shared/domain/credit';

/** A household's credit records, newest first (queued ones of this phone included). */
export async function creditRecordsOfHousehold(householdId: string): Promise<LocalCreditRecord[]> {
  const rows = await db.creditRecords.where('householdId').equals(householdId).toArray();
  return rows.sort((a, b) => b.occurredOn.localeCompare(a.occurredOn) || b.createdAt.localeCompare(a.createdAt));
}

/** Every kind the village's township has on this phone (inactive ones too: old records name them). */
export async function creditKindsOfVillage(villageId: string): Promise<{ offered: CreditKindRow[]; all: Map<string, CreditKindRow> }> {
  const village = await db.villages.get(villageId);
  const rows = village ? await db.creditKinds.where('townshipId').equals(village.townshipId).toArray() : [];
  const offered = kindsOffered(rows);
  const all = new Map(kindsOffered(rows.map((r) => ({ ...r, active: true }))).map((k) => [k.code, k]));
  return { offered, all };
}
