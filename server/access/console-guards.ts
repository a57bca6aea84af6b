// Scope check of an anomaly flag (rules.ts scope kind 'anomaly'): a flag of the user's township
// (of a village in scope when it names one). Out of scope answers 404, like the other guards.
import type { SessionUser } from '../context';
import type { Queryable } from '../repositories/queryable';
import { notFound } from '../http/errors';
import { canReadVillage } from './scope';
import { findFlag } from '../repositories/console';

export async function assertAnomalyFlag(db: Queryable, user: SessionUser, flagId: string): Promise<void> {
  const flag = await findFlag(db, flagId);
  const inScope = flag && flag.township_id === user.townshipId && (!flag.village_id || canReadVillage(user, flag.village_id));
  if (!inScope) throw notFound('提示不存在或不在您的范围内');
}
