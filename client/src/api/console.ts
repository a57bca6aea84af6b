// The township console's API (docs/api.md): ranking by metric, charts, anomalies, audit log, exports.
import { api } from './client';
import { call } from './http';
import type { RankingMetric } from '../../../shared/domain/ranking';

export const fetchRankingBy = (year: number, metric: RankingMetric) =>
  call(() => api.township.ranking.$get({ query: { year: String(year), metric } }));

export const fetchCharts = (year: number) => call(() => api.township.charts.$get({ query: { year: String(year) } }));

export const fetchAnomalies = () => call(() => api.township.anomalies.$get());

export const checkAnomaly = (flagId: string, note: string) =>
  call(() => api.township.anomalies[':flagId'].check.$post({ param: { flagId }, json: { note } }));

export const fetchAudit = (before?: string) =>
  call(() => api.township.audit.$get({ query: { limit: '50', ...(before ? { before } : {}) } }));

export const fetchVillageHouseholds = (villageId: string, year: number) =>
  call(() => api.villages[':villageId'].households.$get({ param: { villageId }, query: { year: String(year) } }));

export const EXPORT_KINDS = ['ranking', 'village-tallies', 'entries', 'credit-records', 'payouts'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** The download link of an export (a plain GET: the browser saves the file, the session cookie goes along). */
export const exportUrl = (kind: ExportKind, format: 'csv' | 'xlsx', year: number) =>
  `/api/township/exports/${kind}?year=${year}&format=${format}`;

/**
 * GET /api/township/payouts/summary?year= (built by the payouts engineer). The chart reads this
 * shape; until the route exists the chart says the figures are not available.
 */
export interface PayoutsSummary {
  /** GET /api/township/payouts/summary (server/routes/payouts/read.ts): per village, in fen. */
  villages: { villageId: string; villageName: string; toppedUpFen: number; cashPaidFen: number; fundFen: number; fundRemainingFen?: number; householdsPaid: number }[];
}

export async function fetchPayoutsSummary(): Promise<PayoutsSummary | null> {
  const res = await fetch('/api/township/payouts/summary', { credentials: 'same-origin' });
  if (!res.ok) return null;
  return (await res.json()) as PayoutsSummary;
}
