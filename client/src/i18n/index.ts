// vue-i18n (Composition API mode) with zh-CN as the default; Vant's own texts follow the choice.
import { createI18n } from 'vue-i18n';
import { Locale } from 'vant';
import vantZhCN from 'vant/es/locale/lang/zh-CN';
import vantEnUS from 'vant/es/locale/lang/en-US';
import zhCN from './zh-CN';
import en from './en';
import { withFeatures } from './features';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
const STORAGE_KEY = 'cunxin.locale';

function storedLocale(): AppLocale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // Storage can be unavailable (private mode): fall back to the default.
  }
  return 'zh-CN';
}

export function createAppI18n(locale: AppLocale = storedLocale()) {
  const i18n = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': withFeatures(zhCN, 'zh-CN'), en: withFeatures(en, 'en') },
  });
  applyVantLocale(locale);
  return i18n;
}

export type AppI18n = ReturnType<typeof createAppI18n>;

function applyVantLocale(locale: AppLocale) {
  if (locale === 'en') Locale.use('en-US', vantEnUS);
  else Locale.use('zh-CN', vantZhCN);
}

/**
 * Switches the language of the app and of Vant, and remembers the choice on this device.
 * `target` is the global composer's `locale` (from `useI18n()`).
 */
export function setLocale(target: { value: string }, locale: AppLocale): void {
  target.value = locale;
  applyVantLocale(locale);
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the switch still applies to this session.
  }
}
