// Live reads of the phone's database for the views (through db/queries.ts, never Dexie directly).
import { toValue, type MaybeRefOrGetter } from 'vue';
import { prefetch, useLiveQuery } from './useLiveQuery';
import * as q from '../db/queries';
import type { LocalEntry, OutboxItem } from '../db/db';
import type { HouseholdDto, PersonDto, VillageDto } from '../../../shared/protocol/tables';

export function useVillages(ids: MaybeRefOrGetter<string[] | undefined>) {
  return useLiveQuery<VillageDto[]>(() => q.villages(toValue(ids)), { initial: [], deps: [() => toValue(ids)] });
}

export function useHouseholdCounts() {
  return useLiveQuery<Record<string, number>>(() => q.householdCounts(), { initial: {} });
}

export function useVillage(id: MaybeRefOrGetter<string>) {
  return useLiveQuery<VillageDto | undefined>(() => q.village(toValue(id)), { initial: undefined, deps: [() => toValue(id)] });
}

export function useVillageHouseholds(villageId: MaybeRefOrGetter<string>) {
  return useLiveQuery<HouseholdDto[]>(() => q.householdsOfVillage(toValue(villageId)), {
    initial: [], deps: [() => toValue(villageId)],
  });
}

// The household's own reads are remembered (useLiveQuery's cacheKey): the entry form and the
// household page read the same household, so the page after a save paints at once.
export function useHousehold(id: MaybeRefOrGetter<string>) {
  return useLiveQuery<HouseholdDto | undefined>(() => q.household(toValue(id)), {
    initial: undefined, deps: [() => toValue(id)], cacheKey: () => `household:${toValue(id)}`,
  });
}

export function usePersons(householdId: MaybeRefOrGetter<string>) {
  return useLiveQuery<PersonDto[]>(() => q.personsOfHousehold(toValue(householdId)), {
    initial: [], deps: [() => toValue(householdId)], cacheKey: () => `persons:${toValue(householdId)}`,
  });
}

export const householdEntriesKey = (householdId: string) => `entries:${householdId}`;

/**
 * Starts the household page's own reads (household, members, entries) now, on the tap in the
 * list: IndexedDB works while the route and the page are set up, and the page's queries show the
 * result if it comes first (useLiveQuery `prefetch`).
 */
export function prefetchHousehold(id: string): void {
  prefetch(`household:${id}`, () => q.household(id));
  prefetch(`persons:${id}`, () => q.personsOfHousehold(id));
  prefetch(householdEntriesKey(id), () => q.entriesOfHousehold(id));
}

export function useHouseholdEntries(householdId: MaybeRefOrGetter<string>) {
  return useLiveQuery<LocalEntry[]>(() => q.entriesOfHousehold(toValue(householdId)), {
    initial: [], deps: [() => toValue(householdId)], cacheKey: () => householdEntriesKey(toValue(householdId)),
  });
}

export function useCatalog(townshipId: MaybeRefOrGetter<string | null>, date: MaybeRefOrGetter<string>) {
  return useLiveQuery(() => q.currentCatalog(toValue(townshipId), toValue(date)), {
    initial: null, deps: [() => toValue(townshipId), () => toValue(date)],
  });
}

/** Outbox items, oldest first: all of them, or only those of `userId` when given. */
export function useOutboxItems(userId?: MaybeRefOrGetter<string | null>) {
  const who = () => (userId === undefined ? undefined : toValue(userId));
  return useLiveQuery<OutboxItem[]>(() => q.outboxItems(who()), { initial: [], deps: [who] });
}

export function useHouseholdNames(ids: MaybeRefOrGetter<string[]>) {
  return useLiveQuery<Record<string, string>>(() => q.householdNames(toValue(ids)), {
    initial: {}, deps: [() => toValue(ids).join(',')],
  });
}

export function useIndicatorNames() {
  return useLiveQuery(() => q.indicatorNames(), { initial: new Map<string, { zh: string; en: string }>(), cacheKey: () => 'indicatorNames' });
}

export function useVillagePersons(villageId: MaybeRefOrGetter<string>) {
  return useLiveQuery<PersonDto[]>(() => q.personsOfVillage(toValue(villageId)), {
    initial: [], deps: [() => toValue(villageId)],
  });
}

/** Ids of records with an outbox item waiting or refused, live. */
export function useOutboxEntityIds() {
  return useLiveQuery<Set<string>>(() => q.outboxEntityIds(), { initial: new Set<string>(), cacheKey: () => 'outboxEntityIds' });
}
