// Reads of the phone's credit-information records (field-entry), for the household page.
import { db, type LocalCreditRecord } from './db';

/** A household's credit records, newest first (queued ones of this phone included). */
export async function creditRecordsOfHousehold(householdId: string): Promise<LocalCreditRecord[]> {
  const rows = await db.creditRecords.where('householdId').equals(householdId).toArray();
  return rows.sort((a, b) => b.occurredOn.localeCompare(a.occurredOn) || b.createdAt.localeCompare(a.createdAt));
}
