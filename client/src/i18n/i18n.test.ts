// The messages split (issue 13 "Small on the wire"): the entry script carries Chinese and the core
// features only; English and the other features arrive on demand, and once loaded every message
// is there in both languages, without a key defined twice.
import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import en from './en';
import { CORE_FEATURES, withFeatures } from './features';
import { LATER_FEATURES } from './features-later';
import { createAppI18n, loadEnglish, loadLaterMessages } from './index';

const keys = (o: Record<string, unknown>, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) =>
  v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]);

describe('i18n messages', () => {
  it('has every feature once, with the same keys in both languages', () => {
    const all = [...CORE_FEATURES, ...LATER_FEATURES];
    const zh = withFeatures(zhCN, 'zh-CN', all);
    const english = withFeatures(en as unknown as typeof zhCN, 'en', all);
    expect(keys(english).sort()).toEqual(keys(zh).sort());
  });

  it('starts in Chinese with the core features, then loads English and the other features', async () => {
    const i18n = createAppI18n('zh-CN');
    const { t, te } = i18n.global;
    expect(t('roster.addHousehold')).not.toBe('roster.addHousehold');
    expect(i18n.global.availableLocales).toEqual(['zh-CN']);
    await loadLaterMessages();
    expect(te('fieldEntry.duplicateTitle')).toBe(true);
    expect(te('console.rank')).toBe(true);
    await loadEnglish();
    i18n.global.locale.value = 'en';
    expect(t('app.back')).toBe(en.app.back);
    expect(t('roster.addHousehold')).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
