// Scope checks of payout rounds and lists (rules.ts scope kinds 'payout_round' and 'payout_list').
// Out of scope answers 404, like the other guards.
import type { SessionUser } from '../context';
import type { Queryable } from '../repositories/queryable';
import { notFound } from '../http/errors';
import { canReadVillage } from './scope';
import { findListVillageId, findRoundTownshipId } from '../repositories/payouts';

/** A round of the user's own township. Returns the township. */
export async function assertPayoutRound(db: Queryable, user: SessionUser, roundId: string): Promise<string> {
  const townshipId = await findRoundTownshipId(db, roundId);
  if (!townshipId || !user.townshipId || townshipId !== user.townshipId) throw notFound('兑现批次不存在或不在您的范围内');
  return townshipId;
}

/** A list of a village in scope (staff only). Returns its village. */
export async function assertPayoutList(db: Queryable, user: SessionUser, listId: string): Promise<string> {
  const villageId = await findListVillageId(db, listId);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('兑现名单不存在或不在您的范围内');
  return villageId;
}
