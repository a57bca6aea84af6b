// Test helpers shared by the client's unit tests. Import 'fake-indexeddb/auto' before this file.
import { db } from '../db/db';
import type { NewEntryInput } from '../db/outbox';

export const VILLAGE = '0190a000-0000-7000-8000-000000000001';
export const HOUSEHOLD = '0190a000-0000-7000-8000-000000000002';
export const CATALOG = '0190a000-0000-7000-8000-000000000003';
export const USER = '0190a000-0000-7000-8000-000000000004';
export const OTHER_USER = '0190a000-0000-7000-8000-000000000005';

export function entryInput(over: Partial<NewEntryInput> = {}): NewEntryInput {
  return {
    villageId: VILLAGE,
    householdId: HOUSEHOLD,
    personId: null,
    catalogVersionId: CATALOG,
    indicatorCode: 'B02',
    occurredOn: '2025-03-01',
    points: 5,
    note: '',
    ...over,
  };
}

export async function resetDb(): Promise<void> {
  await db.open();
  await Promise.all(db.tables.map((t) => t.clear()));
}
