// shop.handover (issue 8): a clerk's hand-over, maybe made offline, posted when it reaches the
// server. The points and stock are checked here, at sync: a redemption that can no longer be
// honoured (cancelled, lapsed without points or stock left, not of the clerk's village) is
// rejected with a code and a Chinese message the phone shows on that item.
import type { ShopHandoverPayload } from '../../shared/protocol/sync';
import { canWriteVillage } from '../access/scope';
import { AppError } from '../http/errors';
import { findRedemptionVillage, handOver } from '../repositories/shop';
import { forbiddenItem, rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';

const CLERK_ROLES = ['committee', 'admin'];

export async function applyShopHandover(ctx: ApplyContext, p: ShopHandoverPayload): Promise<Applied> {
  if (!CLERK_ROLES.includes(ctx.user.role)) throw forbiddenItem('role_may_not_hand_over', '只有村干部（积分超市管理员）可以交付兑换');
  const found = await findRedemptionVillage(ctx.trx, p.redemptionId);
  if (!found || !canWriteVillage(ctx.user, found.villageId)) throw rejected('redemption_unknown', '兑换记录不存在或不在您负责的村');
  try {
    const r = await handOver(ctx.trx, { redemptionId: p.redemptionId, villageId: found.villageId, proofKind: p.proofKind, proofSha256: p.proofSha256, actorId: ctx.user.id, at: ctx.nowIso });
    return { outcome: r.replayed ? { status: 'duplicate', code: 'already_handed_over' } : { status: 'applied' }, entityId: p.redemptionId };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) throw rejected(err.code, `无法交付：${err.message}`);
    throw err;
  }
}
