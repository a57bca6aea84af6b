// Indicator search on the entry form: names, code, and the pinyin of the Chinese name (pinyin-pro).
// Apart from entry-form.ts so that pinyin-pro's dictionaries load with the form, not with every
// module that needs a date or points helper (the drafts store is on the first screen).
import { pinyin } from 'pinyin-pro';
import type { IndicatorDto } from '../../../shared/protocol/tables';

/** What a search matches an indicator on: its names, code, and the pinyin of its Chinese name. */
export interface IndicatorSearchKey {
  indicator: IndicatorDto;
  text: string;
  initials: string;
  full: string;
}

export function indicatorSearchKeys(indicators: readonly IndicatorDto[]): IndicatorSearchKey[] {
  return indicators.map((indicator) => {
    const syllables = pinyin(indicator.nameZh, { toneType: 'none', type: 'array', nonZh: 'removed' });
    return {
      indicator,
      text: `${indicator.nameZh} ${indicator.nameEn} ${indicator.code}`.toLowerCase(),
      initials: syllables.map((s) => s[0] ?? '').join('').toLowerCase(),
      full: syllables.join('').toLowerCase(),
    };
  });
}

/** Indicators whose name, code, pinyin initials (zyfw) or full pinyin (zhiyuan) contain the query. */
export function searchIndicators(keys: readonly IndicatorSearchKey[], query: string): IndicatorDto[] {
  const q = query.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return [];
  return keys.filter((k) => k.text.replace(/\s+/g, '').includes(q) || k.initials.includes(q) || k.full.includes(q))
    .map((k) => k.indicator);
}
