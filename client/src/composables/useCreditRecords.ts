// Live reads of the phone's credit ledger (db/credit-records.ts) for the views.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { useLiveQuery } from './useLiveQuery';
import { creditKindsOfVillage, creditRecordsOfHousehold } from '../db/credit-records';
import type { LocalCreditRecord } from '../db/db';
import { DEFAULT_CREDIT_KINDS, type CreditKindRow } from '../../../shared/domain/credit';

export function useCreditRecords(householdId: MaybeRefOrGetter<string>) {
  return useLiveQuery<LocalCreditRecord[]>(() => creditRecordsOfHousehold(toValue(householdId)), {
    initial: [], deps: [() => toValue(householdId)],
  });
}

/** The kinds offered for a village (its township's list once pulled, else the defaults), live. */
export function useCreditKinds(villageId: MaybeRefOrGetter<string | undefined>) {
  return useLiveQuery<{ offered: CreditKindRow[]; all: Map<string, CreditKindRow> }>(
    () => creditKindsOfVillage(toValue(villageId) ?? ''),
    { initial: { offered: DEFAULT_CREDIT_KINDS, all: new Map(DEFAULT_CREDIT_KINDS.map((k) => [k.code, k])) }, deps: [() => toValue(villageId)] },
  );
}
