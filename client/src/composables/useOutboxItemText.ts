// How an outbox item is named on screen: "参加志愿服务 +5", for whose household, recorded when.
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import { useHouseholdNames, useIndicatorNames } from './useLocalData';
import { formatPoints } from '../domain/entry-form';
import { formatDateTime } from '../domain/format';
import type { OutboxItem } from '../db/db';
import { useLiveQuery } from './useLiveQuery';
import { db } from '../db/db';
import { DEFAULT_CREDIT_KINDS } from '../../../shared/domain/credit';

export interface OutboxItemText {
  title: string;
  household: string;
  householdId: string | null;
  when: string;
  /**
   * A household or member edit: the values the collector typed, field by field, and whether the
   * server kept another phone's value instead (field_conflict). The household's name on the phone
   * is the server's by now, so it must not be shown as if the collector had typed it.
   */
  edits: { field: string; label: string; mine: string; refused: boolean }[];
}

function editValue(v: unknown, yes: string, no: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? yes : no;
  return String(v);
}

function householdOf(item: OutboxItem): string | null {
  if (item.kind === 'entry.create' || item.kind === 'household.update' || item.kind === 'credit.create') return item.payload.householdId;
  return null;
}

export function useOutboxItemText(items: MaybeRefOrGetter<OutboxItem[]>) {
  const { t, locale } = useI18n();
  const { data: names } = useIndicatorNames();
  const ids = computed(() => toValue(items).map(householdOf).filter((x): x is string => !!x));
  const { data: heads } = useHouseholdNames(ids);
  // Credit kinds by code: the townships' lists as pulled, else the defaults (a township's own kind named too).
  const { data: kindNames } = useLiveQuery(async () => new Map([
    ...DEFAULT_CREDIT_KINDS.map((k) => [k.code, { zh: k.nameZh, en: k.nameEn }] as const),
    ...(await db.creditKinds.toArray()).map((k) => [k.code, { zh: k.nameZh, en: k.nameEn }] as const),
  ]), { initial: new Map(DEFAULT_CREDIT_KINDS.map((k) => [k.code, { zh: k.nameZh, en: k.nameEn }])) });

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
    else if (item.kind === 'credit.create') {
      const name = kindNames.value.get(item.payload.kind);
      title = t('credit.outboxTitle', { kind: name ? (locale.value === 'en' ? name.en : name.zh) : item.payload.kind });
    } else if (item.kind === 'credit.withdraw') title = t('credit.withdrawTitle');
    else if (item.kind === 'shop.handover') title = t('pointsShop.outboxTitle');
    else if (item.kind === 'person.update') title = t('status.kind.personUpdate');
    else title = t('status.kind.householdUpdate');
    const refused = new Set(item.lastError?.code === 'field_conflict' ? item.lastError.fields ?? [] : []);
    const edits = item.kind === 'household.update' || item.kind === 'person.update'
      ? Object.entries(item.payload.fields).map(([field, v]) => ({
        field, label: t(`conflict.field.${field}`), mine: editValue(v, t('conflict.yes'), t('conflict.no')), refused: refused.has(field),
      }))
      : [];
    return {
      title,
      household: householdId ? heads.value[householdId] ?? '' : '',
      householdId,
      when: formatDateTime(item.at),
      edits,
    };
  };
}
