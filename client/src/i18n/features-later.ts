// The feature messages not needed by the collector's first screens (features.ts explains the two
// groups): a chunk of its own, imported by i18n/index.ts `loadLaterMessages` only.
import type { FeatureMessages } from './features';
import fieldEntry from './features/field-entry';
import evidence from './features/evidence';
import dueReview from './features/due-review';
import noticeObjections from './features/notice-objections';
import pointsShop from './features/points-shop';
import payouts from './features/payouts';
import creditLedger from './features/credit-ledger';
import residents from './features/residents';
import townshipOffice from './features/township-office';
import consoleFeature from './features/console';

export const LATER_FEATURES: FeatureMessages[] = [
  fieldEntry,
  evidence,
  dueReview,
  noticeObjections,
  pointsShop,
  payouts,
  creditLedger,
  residents,
  townshipOffice,
  consoleFeature,
];
