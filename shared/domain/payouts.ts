// Cash incentives (信用激励兑现, domain.md "Payouts and the points shop"): pure rules of a payout
// round. A township sets the amounts per star level for a closed period; each village's list is
// computed from the frozen standings of that period (period_snapshots), publicly posted for a
// window, approved by the village and then the township, and paid out of the village fund — never
// more than the fund holds. Money is in fen (integers); points are never cashed: the rules pay
// per star level, and no rule turns points into fen.
import type { StarLevel } from './stars';

export type Fen = number;

/** Amount in fen per star level (0 = nothing for that level). */
export type StarAmounts = Record<StarLevel, Fen>;

/** Most a single household may be paid in one round (10,000 yuan): a typo guard. */
export const MAX_PAYOUT_FEN = 1_000_000;
/** Most one top-up may move (10 million yuan). */
export const MAX_TOP_UP_FEN = 1_000_000_000;
export const POST_DAYS_MIN = 1;
export const POST_DAYS_MAX = 30;
export const POST_DAYS_DEFAULT = 7;

export const LIST_STATUSES = ['draft', 'posted', 'village_approved', 'township_approved', 'paid'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];
export const ITEM_STATUSES = ['due', 'paid', 'unpaid', 'returned'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const LIST_STATUS_ZH: Record<ListStatus, string> = {
  draft: '待公示', posted: '公示中', village_approved: '村已审批', township_approved: '镇已审批', paid: '已发放',
};
export const ITEM_STATUS_ZH: Record<ItemStatus, string> = { due: '待发放', paid: '已发放', unpaid: '未领取', returned: '已退回' };

export interface StandingRow { householdId: string; standing: number; stars: number }
export interface PayoutLine { householdId: string; stars: StarLevel; standing: number; amountFen: Fen }

/** Why a set of amounts is refused, or null: integers, 0…MAX_PAYOUT_FEN, at least one level paid. */
export function checkStarAmounts(a: StarAmounts): string | null {
  for (const level of [5, 4, 3, 2, 1] as const) {
    const v = a[level];
    if (!Number.isSafeInteger(v) || v < 0) return `★${level} 的金额必须是不小于 0 的整数（分）`;
    if (v > MAX_PAYOUT_FEN) return `★${level} 的金额超过单户上限 ${formatYuan(MAX_PAYOUT_FEN)} 元`;
  }
  if (![5, 4, 3, 2, 1].some((l) => a[l as StarLevel] > 0)) return '至少一个星级的金额须大于 0';
  return null;
}

/**
 * The payout list of one village for a closed period: every household whose frozen star level
 * has an amount, highest stars first, then by standing. Only the star level counts — never the
 * points themselves (points are not cashed).
 */
export function payoutLines(standings: readonly StandingRow[], amounts: StarAmounts): PayoutLine[] {
  const out: PayoutLine[] = [];
  for (const s of standings) {
    const stars = Math.max(1, Math.min(5, Math.round(s.stars))) as StarLevel;
    const amountFen = amounts[stars];
    if (amountFen > 0) out.push({ householdId: s.householdId, stars, standing: s.standing, amountFen });
  }
  return out.sort((a, b) => b.stars - a.stars || b.standing - a.standing || (a.householdId < b.householdId ? -1 : 1));
}

export const sumFen = (xs: readonly { amountFen: Fen }[]): Fen => xs.reduce((s, x) => s + x.amountFen, 0);

/** '1234.50' from 123450 fen (two decimals, no float arithmetic). */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen from a yuan string ('200', '200.5', '200.50'); null when not a plain amount with ≤ 2 decimals. */
export function parseYuan(text: string): Fen | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export type ListAction = 'post' | 'village_approve' | 'township_approve' | 'pay';
const NEXT: Record<ListAction, { from: ListStatus; to: ListStatus }> = {
  post: { from: 'draft', to: 'posted' },
  village_approve: { from: 'posted', to: 'village_approved' },
  township_approve: { from: 'village_approved', to: 'township_approved' },
  pay: { from: 'township_approved', to: 'paid' },
};

export type ActionRefusal = { code: 'payout_invalid_state' | 'payout_posting_open' | 'payout_fund_short'; message: string };

/**
 * Whether `action` may be taken on a list now. The village approves only once the posting window
 * has ended (the list was public first); approvals need the fund to hold the list and every other
 * approved list of the village still to be paid.
 */
export function checkListAction(
  action: ListAction,
  list: { status: ListStatus; postEndsAt: string | null; totalFen: Fen },
  ctx: { now: string; fundAvailableFen?: Fen; otherOutstandingFen?: Fen },
): ActionRefusal | null {
  const step = NEXT[action];
  if (list.status !== step.from) {
    return { code: 'payout_invalid_state', message: `名单当前为「${LIST_STATUS_ZH[list.status]}」，不能${ACTION_ZH[action]}` };
  }
  if (action === 'village_approve' && (!list.postEndsAt || ctx.now < list.postEndsAt)) {
    return { code: 'payout_posting_open', message: `名单公示期未满（至 ${list.postEndsAt ?? '—'}），公示期满后方可审批` };
  }
  if ((action === 'village_approve' || action === 'township_approve') && ctx.fundAvailableFen !== undefined) {
    const needed = list.totalFen + (ctx.otherOutstandingFen ?? 0);
    if (needed > ctx.fundAvailableFen) {
      return { code: 'payout_fund_short', message: `村激励基金不足：余额 ${formatYuan(ctx.fundAvailableFen)} 元，本名单及其他待发放名单共需 ${formatYuan(needed)} 元` };
    }
  }
  return null;
}

export const nextStatus = (action: ListAction): ListStatus => NEXT[action].to;

const ACTION_ZH: Record<ListAction, string> = { post: '公示', village_approve: '村审批', township_approve: '镇审批', pay: '发放' };

/**
 * Idempotency keys of the ledger transfers of a payout (one per act, so a retry is a no-op). Every
 * outcome of a payout is a transfer (accounts per village):
 *   approved  village_fund    → payout_reserved  reserve (the list's total, at the village approval)
 *   paid      payout_reserved → cash_paid        pay     (at the payment)
 *   unpaid    payout_reserved → payout_unpaid    hold    (not collected at the payment: held)
 *   paid later payout_unpaid  → cash_paid        pay     (the same key: an item is paid once)
 *   returned  payout_unpaid   → village_fund     release (an unpaid payout given back to the fund)
 *   returned  cash_paid       → village_fund     return  (a paid payout handed back)
 */
export const payoutKeys = {
  reserve: (listId: string) => `payout.reserve:${listId}`,
  pay: (itemId: string) => `payout.pay:${itemId}`,
  hold: (itemId: string) => `payout.hold:${itemId}`,
  release: (itemId: string) => `payout.release:${itemId}`,
  return: (itemId: string) => `payout.return:${itemId}`,
};

/** What may be done with one item after the payment: pay it later (unpaid), return it to the fund (unpaid or paid). */
export function itemActions(status: ItemStatus): { payLater: boolean; returnToFund: boolean } {
  return { payLater: status === 'unpaid', returnToFund: status === 'unpaid' || status === 'paid' };
}

/**
 * One village's money of its payouts, from its ledger balances: topped up = free fund + reserved
 * for approved lists + unpaid held + cash paid (returns go back into the free fund). What the
 * village still holds (fund remaining) is free + reserved + held.
 */
export function villageMoney(b: { fundFen: Fen; reservedFen: Fen; unpaidHeldFen: Fen; cashPaidFen: Fen }) {
  const fundRemainingFen = b.fundFen + b.reservedFen + b.unpaidHeldFen;
  return { ...b, fundRemainingFen, toppedUpFen: fundRemainingFen + b.cashPaidFen };
}
