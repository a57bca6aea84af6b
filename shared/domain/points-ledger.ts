// How due process posts to the ledger (domain.md "Payouts and the points shop"): pure, no I/O.
// - An effective positive entry credits the household's standing for its year and its redeemable
//   points (from the village's pool).
// - A deduction reduces standing only, never the redeemable balance (it is not a fine).
// - A reversal reverses exactly what its entry posted — except that redeemable points already
//   spent are not taken back below zero (a household's redeemable balance never goes negative):
//   the claw-back is capped at what is available, the standing is reversed in full.
import type { AccountRef, Leg } from './ledger';

/** The calendar year in China (UTC+8, no DST) of an ISO time or a YYYY-MM-DD date. */
export function chinaYear(isoOrDate: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) return Number(isoOrDate.slice(0, 4));
  return new Date(Date.parse(isoOrDate) + 8 * 3600_000).getUTCFullYear();
}

export const householdPoints = (householdId: string): AccountRef => ({ kind: 'household_points', ownerId: householdId });
export const householdStanding = (householdId: string, year: number): AccountRef => ({ kind: 'household_standing', ownerId: householdId, year });
export const villagePointsPool = (villageId: string): AccountRef => ({ kind: 'village_points_pool', ownerId: villageId });
export const villageStandingPool = (villageId: string, year: number): AccountRef => ({ kind: 'village_standing_pool', ownerId: villageId, year });
export const pointsRedeemed = (villageId: string): AccountRef => ({ kind: 'points_redeemed', ownerId: villageId });
export const pointsExpired = (villageId: string): AccountRef => ({ kind: 'points_expired', ownerId: villageId });
export const shopStock = (villageId: string, itemId: string): AccountRef => ({ kind: 'shop_stock', ownerId: villageId, itemId });
export const stockOutside = (villageId: string): AccountRef => ({ kind: 'stock_outside', ownerId: villageId });

export interface IssuableEntry { id: string; householdId: string; villageId: string; points: number; occurredOn: string }

/** The legs an effective entry posts (empty for 0 points). */
export function issueLegs(e: IssuableEntry): Leg[] {
  if (e.points === 0) return [];
  const year = chinaYear(e.occurredOn);
  const standing: Leg[] = [
    { account: householdStanding(e.householdId, year), amount: e.points },
    { account: villageStandingPool(e.villageId, year), amount: -e.points },
  ];
  if (e.points < 0) return standing;
  return [...standing, { account: householdPoints(e.householdId), amount: e.points }, { account: villagePointsPool(e.villageId), amount: -e.points }];
}

/**
 * The legs that reverse an entry's posting: each leg negated, the household's redeemable debit
 * capped at `available` (its counterpart in the pool reduced to match). Legs of zero are dropped.
 */
export function reversalLegs(posted: readonly Leg[], available: number): Leg[] {
  const out: Leg[] = [];
  const pointsLeg = posted.find((l) => l.account.kind === 'household_points');
  const clawBack = pointsLeg ? Math.min(pointsLeg.amount, Math.max(0, available)) : 0;
  for (const l of posted) {
    if (l.account.kind === 'household_points') out.push({ account: l.account, amount: -clawBack });
    else if (l.account.kind === 'village_points_pool') out.push({ account: l.account, amount: clawBack });
    else out.push({ account: l.account, amount: -l.amount });
  }
  return out.filter((l) => l.amount !== 0);
}
