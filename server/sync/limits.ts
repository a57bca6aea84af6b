// Server-side limits of POST /api/sync that a benchmark may move (never set in production).
import { MAX_BATCH_ITEMS } from '../../shared/protocol/sync';

/**
 * Mutations accepted per request: MAX_BATCH_ITEMS, unless CUNXIN_SYNC_MAX_BATCH_ITEMS says
 * otherwise (1…5000). Only the benchmark sets it, to time a 1,000-item push in one round trip;
 * the body limit (MAX_BODY_BYTES) still applies.
 */
export function maxBatchItems(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CUNXIN_SYNC_MAX_BATCH_ITEMS;
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 5000 ? n : MAX_BATCH_ITEMS;
}
