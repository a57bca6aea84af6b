// Scope checks of the credit ledger (rules.ts scope kinds 'creditRecord' and 'creditRound'): a
// credit record or an evaluation round of a village in scope (staff only), else 404.
import type { SessionUser } from '../context';
import type { Queryable } from '../repositories/queryable';
import { notFound } from '../http/errors';
import { canReadVillage } from './scope';
import { findCreditRecordVillageId, findRoundVillageId } from '../repositories/credit';

export async function assertCreditRecord(db: Queryable, user: SessionUser, id: string): Promise<string> {
  const villageId = await findCreditRecordVillageId(db, id);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('信用信息不存在或不在您的范围内');
  return villageId;
}

export async function assertCreditRound(db: Queryable, user: SessionUser, id: string): Promise<string> {
  const villageId = await findRoundVillageId(db, id);
  if (!villageId || !canReadVillage(user, villageId)) throw notFound('评定轮次不存在或不在您的范围内');
  return villageId;
}
