// Messages of one feature each, kept beside the shared zh-CN.ts / en.ts so that features do not
// all append to one file. A feature file lives in client/src/i18n/features/<feature>.ts and
// exports `{ 'zh-CN': { <feature>: {…} }, en: { <feature>: {…} } }` with the same keys in both;
// list it here or in features-later.ts. Top-level keys must not collide with zh-CN.ts or another
// feature (checked when the messages are merged).
//
// Two groups (issue 13 "Small on the wire": the collector's first screen carries only what it
// shows):
// - CORE_FEATURES, below: in the app's entry script, for the screens every phone opens first
//   (login, the village and household lists, the new-household form) and the tab bar.
// - LATER_FEATURES (features-later.ts): one chunk of their own, loaded by the router before any
//   other screen opens (router.ts `needsLaterMessages`, i18n/index.ts `loadLaterMessages`), so a
//   screen never shows a raw key (the update prompt, on every screen, loads them before it shows:
//   AppUpdatePrompt.vue). A new feature goes there unless a core screen needs it.
import roster from './features/roster';
import villageOffice from './features/village-office';

export interface FeatureMessages { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> }

export const CORE_FEATURES: FeatureMessages[] = [
  roster,
  villageOffice,
];

/** The base messages of one locale with the given features' messages of that locale added. */
export function withFeatures<T extends Record<string, unknown>>(base: T, locale: keyof FeatureMessages, features: readonly FeatureMessages[] = CORE_FEATURES): T {
  const merged: Record<string, unknown> = { ...base };
  for (const feature of features) {
    for (const [key, value] of Object.entries(feature[locale])) {
      if (key in merged) throw new Error(`i18n: the key '${key}' is defined twice`);
      merged[key] = value;
    }
  }
  return merged as T;
}
