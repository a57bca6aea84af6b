// The 积分超市 (points shop): pure rules (domain.md "Payouts and the points shop").
// A redemption reserves points and stock (pending transfers), is posted at hand-over by a clerk
// with a photo or signature, and voided on cancel or after RESERVATION_DAYS days.

export const RESERVATION_DAYS = 30;
export const REDEMPTION_STATUSES = ['reserved', 'handed_over', 'cancelled', 'voided'] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];
export const PROOF_KINDS = ['photo', 'signature'] as const;
export type ProofKind = (typeof PROOF_KINDS)[number];

export const MAX_ITEM_PRICE = 100_000;
export const MAX_QUANTITY = 99;
export const MAX_STOCK_MOVE = 100_000;

export const REDEMPTION_STATUS_LABEL: Record<RedemptionStatus, string> = {
  reserved: '已预留', handed_over: '已领取', cancelled: '已取消', voided: '已作废（逾期未领）',
};

/** When a reservation made at `requestedAt` lapses. */
export function reservationExpiresAt(requestedAt: string): string {
  return new Date(Date.parse(requestedAt) + RESERVATION_DAYS * 86_400_000).toISOString();
}

/** The China-time calendar day (YYYY-MM-DD) of an ISO instant. */
export function chinaDayOf(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The UTC instants [from, to) of a China-time calendar day. */
export function chinaDayRange(day: string): { from: string; to: string } {
  const start = Date.parse(`${day}T00:00:00.000Z`) - 8 * 3600_000;
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}
