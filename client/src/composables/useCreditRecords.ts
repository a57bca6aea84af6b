// Live read of a household's credit records (db/credit-records.ts) for the views.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { useLiveQuery } from './useLiveQuery';
import { creditRecordsOfHousehold } from '../db/credit-records';
import type { LocalCreditRecord } from '../db/db';

export function useCreditRecords(householdId: MaybeRefOrGetter<string>) {
  return useLiveQuery<LocalCreditRecord[]>(() => creditRecordsOfHousehold(toValue(householdId)), {
    initial: [], deps: [() => toValue(householdId)],
  });
}
