// How an outbox item is named on screen: "参加志愿服务 +5", for whose household, recorded when.
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import { useHouseholdNames, useIndicatorNames } from './useLocalData';
import { formatPoints } from '../domain/entry-form';
import { formatDateTime } from '../domain/format';
import type { OutboxItem } from '../db/db';

export interface OutboxItemText {
  title: string;
  household: string;
  householdId: string | null;
  when: string;
}

function householdOf(item: OutboxItem): string | null {
  if (item.kind === 'entry.create' || item.kind === 'household.update') return item.payload.householdId;
  return null;
}

export function useOutboxItemText(items: MaybeRefOrGetter<OutboxItem[]>) {
  const { t, locale } = useI18n();
  const { data: names } = useIndicatorNames();
  const ids = computed(() => toValue(items).map(householdOf).filter((x): x is string => !!x));
  const { data: heads } = useHouseholdNames(ids);

  return (item: OutboxItem): OutboxItemText => {
    const householdId = householdOf(item);
    let title: string;
    if (item.kind === 'entry.create') {
      const p = item.payload;
      const n = names.value.get(`${p.catalogVersionId}:${p.indicatorCode}`) ?? names.value.get(p.indicatorCode);
      title = `${n ? (locale.value === 'en' ? n.en : n.zh) : p.indicatorCode} ${formatPoints(p.points)}`;
    } else if (item.kind === 'entry.resubmit') {
      const p = item.payload;
      const n = names.value.get(`${p.catalogVersionId}:${p.indicatorCode}`) ?? names.value.get(p.indicatorCode);
      title = `${t('dueReview.correctTitle')}：${n ? (locale.value === 'en' ? n.en : n.zh) : p.indicatorCode} ${formatPoints(p.points)}`;
    } else if (item.kind === 'entry.withdraw') title = t('status.kind.withdraw');
    else if (item.kind === 'person.update') title = t('status.kind.personUpdate');
    else title = t('status.kind.householdUpdate');
    return {
      title,
      household: householdId ? heads.value[householdId] ?? '' : '',
      householdId,
      when: formatDateTime(item.at),
    };
  };
}
