// Messages of one feature each, kept beside the shared zh-CN.ts / en.ts so that features do not
// all append to one file. A feature file lives in client/src/i18n/features/<feature>.ts and
// exports `{ 'zh-CN': { <feature>: {…} }, en: { <feature>: {…} } }` with the same keys in both;
// list it here. Top-level keys must not collide with zh-CN.ts or another feature.
import noticeObjections from './features/notice-objections';
import roster from './features/roster';
import fieldEntry from './features/field-entry';
import evidence from './features/evidence';
import dueReview from './features/due-review';
import pointsShop from './features/points-shop';
import payouts from './features/payouts';
import villageOffice from './features/village-office';
import creditLedger from './features/credit-ledger';
import residents from './features/residents';
import townshipOffice from './features/township-office';
import consoleFeature from './features/console';

export interface FeatureMessages { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> }

export const FEATURE_MESSAGES: FeatureMessages[] = [
  noticeObjections,
  roster,
  fieldEntry,
  evidence,
  dueReview,
  pointsShop,
  payouts,
  villageOffice,
  creditLedger,
  residents,
  townshipOffice,
  consoleFeature,
];

/** The base messages of one locale with every feature's messages of that locale added. */
export function withFeatures<T extends Record<string, unknown>>(base: T, locale: keyof FeatureMessages): T {
  const merged: Record<string, unknown> = { ...base };
  for (const feature of FEATURE_MESSAGES) {
    for (const [key, value] of Object.entries(feature[locale])) {
      if (key in merged) throw new Error(`i18n: the key '${key}' is defined twice`);
      merged[key] = value;
    }
  }
  return merged as T;
}
