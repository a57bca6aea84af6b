// The double-entry ledger's pure rules (domain.md "Payouts and the points shop"): account kinds,
// which of them may go negative, what unit each holds, and the balancing check of a transfer.
// Points and money move only as transfers between accounts; balances are sums of legs, never a
// number that code increments. SQL lives in server/repositories/ledger.ts (LEDGER_CONTRACT.md).

export type Unit = 'points' | 'fen' | 'item'; // money always in fen (integer), never floats

export type AccountKind =
  | 'household_points' // a household's redeemable points            (never negative)
  | 'household_standing' // a household's standing for a year (ownerId = householdId, year set)
  | 'village_points_pool' // where a village's issued points come from   (may go negative: it is the issuer)
  | 'village_standing_pool' // the counterpart of standing credited and deducted, per village (issuer)
  | 'points_redeemed' // sink: points spent in the shop, per village
  | 'points_expired' // sink: expired points, per village
  | 'shop_stock' // items on the shelf, per item (ownerId = villageId, itemId)  (never negative)
  | 'stock_outside' // source/sink of goods: received from / written off to the world, per village
  | 'township_budget' // a township's incentive budget                (never negative)
  | 'budget_source' // the world the township's budget money comes from (may go negative)
  | 'village_fund' // a village incentive fund                      (never negative)
  | 'payout_reserved' // a village's fund money set aside for approved payout lists (never negative)
  | 'payout_unpaid' // payouts not collected at the payment, held for a later payment or a return (never negative)
  | 'cash_paid' // sink: cash paid out to households, per village
  | (string & {}); // more kinds may be added to ACCOUNT_KINDS; each declares whether it may go negative

export interface AccountRef { kind: AccountKind; ownerId: string; itemId?: string; year?: number }
export interface Leg { account: AccountRef; amount: number } // integer; + credit, − debit

export type TransferStatus = 'posted' | 'pending' | 'voided';

export interface TransferInput {
  /** same key + same body → no-op returning the first transfer; same key + different body → 409 LEDGER_KEY_REUSED */
  idempotencyKey: string;
  kind: string; // 'entry.issue', 'entry.reverse', 'shop.reserve', 'payout.pay', …
  unit: Unit;
  legs: Leg[]; // sum of amounts = 0 (else error), ≥ 2 legs
  townshipId: string;
  villageId: string | null;
  memo?: string;
  actorId: string;
  at: string; // ISO
  /** Pending transfers (reservations) count against the available balance until posted or voided. */
  status?: 'posted' | 'pending';
}

export interface AccountKindRule {
  unit: Unit;
  /** May the balance (posted + pending debits) go below zero? Issuers, sources and sinks may. */
  mayGoNegative: boolean;
  /** How a message names the account (Chinese). */
  label: string;
}

/** Every kind the ledger accepts. A kind not listed here is refused (add it here, with its rule). */
export const ACCOUNT_KINDS: Record<string, AccountKindRule> = {
  household_points: { unit: 'points', mayGoNegative: false, label: '农户可兑换积分' },
  household_standing: { unit: 'points', mayGoNegative: true, label: '农户年度积分' },
  village_points_pool: { unit: 'points', mayGoNegative: true, label: '村积分发放账户' },
  village_standing_pool: { unit: 'points', mayGoNegative: true, label: '村年度积分对应账户' },
  points_redeemed: { unit: 'points', mayGoNegative: true, label: '已兑换积分' },
  points_expired: { unit: 'points', mayGoNegative: true, label: '已过期积分' },
  shop_stock: { unit: 'item', mayGoNegative: false, label: '积分超市库存' },
  stock_outside: { unit: 'item', mayGoNegative: true, label: '库存来源/去向' },
  township_budget: { unit: 'fen', mayGoNegative: false, label: '镇激励预算' },
  budget_source: { unit: 'fen', mayGoNegative: true, label: '预算资金来源' },
  village_fund: { unit: 'fen', mayGoNegative: false, label: '村激励基金' },
  payout_reserved: { unit: 'fen', mayGoNegative: false, label: '已批待发资金' },
  payout_unpaid: { unit: 'fen', mayGoNegative: false, label: '未领暂存资金' },
  cash_paid: { unit: 'fen', mayGoNegative: true, label: '已发放现金' },
};

export function accountRule(kind: string): AccountKindRule | undefined {
  return Object.hasOwn(ACCOUNT_KINDS, kind) ? ACCOUNT_KINDS[kind] : undefined;
}

/** The one key of an account (also its row id): kind|owner|item|year. */
export function accountKey(a: AccountRef): string {
  return `${a.kind}|${a.ownerId}|${a.itemId ?? ''}|${a.year ?? ''}`;
}

export function parseAccountKey(key: string): AccountRef {
  const [kind, ownerId, itemId, year] = key.split('|');
  return { kind, ownerId, ...(itemId ? { itemId } : {}), ...(year ? { year: Number(year) } : {}) };
}

export type TransferProblem =
  | { code: 'LEDGER_TOO_FEW_LEGS'; message: string }
  | { code: 'LEDGER_NOT_INTEGER'; message: string }
  | { code: 'LEDGER_ZERO_LEG'; message: string }
  | { code: 'LEDGER_UNBALANCED'; message: string }
  | { code: 'LEDGER_UNKNOWN_ACCOUNT_KIND'; message: string }
  | { code: 'LEDGER_UNIT_MISMATCH'; message: string }
  | { code: 'LEDGER_BAD_ACCOUNT'; message: string }
  | { code: 'LEDGER_BAD_KEY'; message: string };

/** Why a transfer is malformed, or null when it balances and every leg fits its account. */
export function checkTransfer(t: Pick<TransferInput, 'idempotencyKey' | 'unit' | 'legs'>): TransferProblem | null {
  if (!t.idempotencyKey || t.idempotencyKey.length > 200) return { code: 'LEDGER_BAD_KEY', message: '转账缺少幂等键' };
  if (t.legs.length < 2) return { code: 'LEDGER_TOO_FEW_LEGS', message: '一笔转账至少要有两条分录' };
  let sum = 0;
  for (const leg of t.legs) {
    if (!Number.isSafeInteger(leg.amount)) return { code: 'LEDGER_NOT_INTEGER', message: '金额必须是整数（积分、分、件）' };
    if (leg.amount === 0) return { code: 'LEDGER_ZERO_LEG', message: '分录金额不能为零' };
    const rule = accountRule(leg.account.kind);
    if (!rule) return { code: 'LEDGER_UNKNOWN_ACCOUNT_KIND', message: `未知的账户类型：${leg.account.kind}` };
    if (rule.unit !== t.unit) return { code: 'LEDGER_UNIT_MISMATCH', message: `${rule.label}的单位不是${UNIT_LABEL[t.unit]}` };
    if (!leg.account.ownerId || /\|/.test(leg.account.ownerId + (leg.account.itemId ?? ''))) return { code: 'LEDGER_BAD_ACCOUNT', message: '账户缺少所属对象' };
    if (leg.account.year !== undefined && !Number.isInteger(leg.account.year)) return { code: 'LEDGER_BAD_ACCOUNT', message: '账户年度必须是整数' };
    sum += leg.amount;
  }
  if (sum !== 0) return { code: 'LEDGER_UNBALANCED', message: `转账不平衡：分录合计为 ${sum}` };
  return null;
}

export const UNIT_LABEL: Record<Unit, string> = { points: '积分', fen: '分', item: '件' };

/** Net amount per account of a set of legs (accounts touched twice are summed), in key order. */
export function netByAccount(legs: readonly Leg[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of [...new Set(legs.map((l) => accountKey(l.account)))].sort()) out.set(key, 0);
  for (const l of legs) out.set(accountKey(l.account), out.get(accountKey(l.account))! + l.amount);
  return out;
}

/** A transfer's body as compared for idempotency: everything but who and when (a retry may differ there). */
export function transferBody(t: TransferInput): string {
  const legs = [...t.legs].map((l) => [accountKey(l.account), l.amount] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return JSON.stringify({ kind: t.kind, unit: t.unit, legs, townshipId: t.townshipId, villageId: t.villageId, memo: t.memo ?? '', status: t.status ?? 'posted' });
}

/**
 * Whether a leg's debit may be taken: never-negative accounts need available (posted plus pending
 * debits) + net ≥ 0. A net credit is always allowed (it can only help).
 */
export function wouldOverdraw(kind: string, available: number, net: number): boolean {
  const rule = accountRule(kind);
  return !!rule && !rule.mayGoNegative && net < 0 && available + net < 0;
}

// ---- expiry (domain.md: redeemable points expire at the end of the year after they were earned,
// oldest first) ------------------------------------------------------------------------------

export interface EarnedLot { year: number; amount: number }
export interface RemainingLot { earnedYear: number; amount: number; expiresOn: string }

/**
 * FIFO: what is left of each year's earnings after `consumed` points (redeemed, reserved, clawed
 * back, expired) were taken oldest first. Lots are returned oldest first, empty ones left out.
 */
export function remainingLots(earned: readonly EarnedLot[], consumed: number): RemainingLot[] {
  const byYear = new Map<number, number>();
  for (const e of earned) if (e.amount > 0) byYear.set(e.year, (byYear.get(e.year) ?? 0) + e.amount);
  let left = Math.max(0, consumed);
  const out: RemainingLot[] = [];
  for (const year of [...byYear.keys()].sort((a, b) => a - b)) {
    const take = Math.min(left, byYear.get(year)!);
    left -= take;
    const amount = byYear.get(year)! - take;
    if (amount > 0) out.push({ earnedYear: year, amount, expiresOn: expiresOnOf(year) });
  }
  return out;
}

/** Points earned in `year` expire at the end of the next year. */
export function expiresOnOf(earnedYear: number): string {
  return `${earnedYear + 1}-12-31`;
}

/** What the year-end run for `endedYear` must expire: every lot earned before it still left. */
export function expiryDue(earned: readonly EarnedLot[], consumed: number, endedYear: number): number {
  return remainingLots(earned, consumed).filter((l) => l.earnedYear < endedYear).reduce((s, l) => s + l.amount, 0);
}
