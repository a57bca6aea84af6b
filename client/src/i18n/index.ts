// vue-i18n (Composition API mode) with zh-CN as the default; Vant's own texts follow the choice.
//
// What the entry script carries (issue 13 "Small on the wire"): the Chinese base messages and the
// core features' (features.ts). English (en.ts and Vant's English) is a chunk loaded when English
// is chosen — before the first screen when it was chosen earlier on this phone (main.ts), before
// the switch otherwise — and the other features' messages (features-later.ts) a chunk the router
// loads before a screen that needs them opens (router.ts). Nothing is shown before its messages
// are there, so a raw key never flashes.
import { createI18n } from 'vue-i18n';
import { Locale } from 'vant';
import vantZhCN from 'vant/es/locale/lang/zh-CN';
import zhCN from './zh-CN';
import { CORE_FEATURES, withFeatures, type FeatureMessages } from './features';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
const STORAGE_KEY = 'cunxin.locale';

/** What has been loaded beyond the entry script's messages (shared by every i18n instance). */
interface Loaded {
  english: { en: Record<string, unknown>; vantEn: Record<string, unknown> } | null;
  later: readonly FeatureMessages[] | null;
}
const loaded: Loaded = { english: null, later: null };
const instances = new Set<AppI18n>();

export function storedLocale(): AppLocale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // Storage can be unavailable (private mode): fall back to the default.
  }
  return 'zh-CN';
}

function features(): FeatureMessages[] {
  return [...CORE_FEATURES, ...(loaded.later ?? [])];
}

type Messages = typeof zhCN;

function messages(): { 'zh-CN': Messages; en: Messages } {
  const out: Partial<Record<AppLocale, Messages>> = { 'zh-CN': withFeatures(zhCN, 'zh-CN', features()) };
  if (loaded.english) out.en = withFeatures(loaded.english.en as Messages, 'en', features());
  // Without English loaded there is no 'en' entry: vue-i18n falls back to zh-CN.
  return out as { 'zh-CN': Messages; en: Messages };
}

/**
 * The app's i18n. `preload` puts messages in at once (component tests, which load everything
 * statically: client/src/test/mount.ts); the app loads them with loadEnglish / loadLaterMessages.
 * English asked for before it is loaded shows Chinese (the fallback), never keys.
 */
export function createAppI18n(locale: AppLocale = storedLocale(), preload: Partial<Loaded> = {}) {
  if (preload.english) loaded.english = preload.english;
  if (preload.later) loaded.later = preload.later;
  const i18n = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: messages(),
  });
  instances.add(i18n);
  applyVantLocale(locale);
  return i18n;
}

export type AppI18n = ReturnType<typeof createAppI18n>;

function install(): void {
  const all = messages();
  for (const i18n of instances) for (const [locale, m] of Object.entries(all)) if (m) i18n.global.setLocaleMessage(locale as AppLocale, m);
}

let englishLoading: Promise<void> | null = null;
/** Loads English (the app's and Vant's); resolves at once once loaded. */
export function loadEnglish(): Promise<void> {
  if (loaded.english && !englishLoading) return Promise.resolve();
  englishLoading ??= import('./en-vant').then(({ en, vantEn }) => {
    loaded.english = { en: en as Record<string, unknown>, vantEn: vantEn as Record<string, unknown> };
    install();
  }, (e: unknown) => {
    englishLoading = null;
    throw e;
  });
  return englishLoading;
}

let laterLoading: Promise<void> | null = null;
/** Loads the messages of the features outside the entry script (features-later.ts); resolves at once once loaded. */
export function loadLaterMessages(): Promise<void> {
  if (loaded.later && !laterLoading) return Promise.resolve();
  laterLoading ??= import('./features-later').then(({ LATER_FEATURES }) => {
    loaded.later = LATER_FEATURES;
    install();
  }, (e: unknown) => {
    laterLoading = null;
    throw e;
  });
  return laterLoading;
}

function applyVantLocale(locale: AppLocale) {
  if (locale === 'en' && loaded.english) Locale.use('en-US', loaded.english.vantEn as never);
  else Locale.use('zh-CN', vantZhCN);
}

/**
 * Switches the language of the app and of Vant, and remembers the choice on this device.
 * `target` is the global composer's `locale` (from `useI18n()`). English is loaded first, so the
 * screen changes language in one step.
 */
export async function setLocale(target: { value: string }, locale: AppLocale): Promise<void> {
  if (locale === 'en') await loadEnglish();
  target.value = locale;
  applyVantLocale(locale);
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the switch still applies to this session.
  }
}
