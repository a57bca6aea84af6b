// The per-item result rules of POST /api/sync (sync.md), as pure functions shared by the server
// (which decides each item's status) and the phone (which decides what leaves its outbox and when
// to try again). Keeping both sides here keeps them from drifting apart.
import { MAX_FUTURE_SKEW_MS, MUTATION_STATUSES, type MutationStatus } from '../protocol/constants';

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785), so that equal content always
 * gives the same string and hence the same content hash, whatever order a client built it in.
 * Follows JSON.stringify otherwise: toJSON is honoured, undefined/function properties are
 * dropped, non-finite numbers become null. Throws on BigInt, on cycles, and when the value
 * itself has no JSON form (undefined): hashing "nothing" is a bug, not a value.
 */
export function canonicalJson(value: unknown): string {
  const out = encode(value, []);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return out;
}

// Hashed for every pushed mutation, so written for speed: one string built by appending, and the
// objects being encoded kept in a small array (nesting is shallow) rather than a Set per call.
function encode(input: unknown, stack: object[]): string | undefined {
  let v = input;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: () => unknown }).toJSON();
  }
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': throw new TypeError('canonicalJson: BigInt has no JSON representation');
    case 'undefined': case 'function': case 'symbol': return undefined;
  }
  const obj = v as object;
  if (stack.includes(obj)) throw new TypeError('canonicalJson: cyclic structure');
  stack.push(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = '[';
    for (let i = 0; i < obj.length; i++) out += (i > 0 ? ',' : '') + (encode(obj[i], stack) ?? 'null');
    out += ']';
  } else {
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec).sort();
    out = '{';
    let first = true;
    for (const k of keys) {
      const e = encode(rec[k], stack);
      if (e === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + e;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}

/**
 * The content of a mutation that decides "same or different": its kind and payload. The id is
 * the key being compared, and `at`/`deviceSeq` are advisory, so a replay that re-stamped them is
 * still the same intent.
 */
export function mutationContent(m: { kind?: unknown; payload?: unknown }): string {
  return canonicalJson({ kind: m.kind, payload: m.payload });
}

export type InsertOutcome = Extract<MutationStatus, 'applied' | 'duplicate' | 'conflict'>;

/**
 * After `INSERT … ON CONFLICT (id) DO NOTHING`: our row went in → applied; a row with that id was
 * there already with the same content hash → duplicate (an acknowledgement of a replay); any other
 * content → conflict. A stored row without a hash cannot be shown to match, so it is a conflict.
 */
export function classifyInsert(r: { inserted: boolean; storedHash: string | null; incomingHash: string }): InsertOutcome {
  if (r.inserted) return 'applied';
  return r.storedHash !== null && r.storedHash === r.incomingHash ? 'duplicate' : 'conflict';
}

export interface BatchRepeat {
  /** Position of the repeated item in the batch. */
  index: number;
  /** Position of the first item with the same id, the one that is processed. */
  firstIndex: number;
  id: string;
  status: 'duplicate' | 'conflict';
}

/**
 * The same id twice in one batch must still produce exactly one row: only the first occurrence is
 * processed; each later one is reported as a duplicate of it (same content) or a conflict.
 * @param contentOf what "same content" means; defaults to kind + payload (mutationContent).
 */
export function dedupeBatch<T extends { id: string; kind?: unknown; payload?: unknown }>(
  mutations: readonly T[],
  contentOf: (m: T) => string = mutationContent,
): { unique: T[]; repeats: BatchRepeat[] } {
  const firstById = new Map<string, { index: number; content: string }>();
  const unique: T[] = [];
  const repeats: BatchRepeat[] = [];
  mutations.forEach((m, index) => {
    const content = contentOf(m);
    const first = firstById.get(m.id);
    if (first === undefined) {
      firstById.set(m.id, { index, content });
      unique.push(m);
    } else {
      repeats.push({ index, firstIndex: first.index, id: m.id, status: first.content === content ? 'duplicate' : 'conflict' });
    }
  });
  return { unique, repeats };
}

/**
 * Device clocks are advisory (sync.md "Clock skew"); a time further ahead than the allowed skew is
 * rejected per item. An unparseable time cannot be shown not to be in the future, so it counts as
 * one (the schema rejects such strings earlier anyway).
 */
export function isFutureTimestamp(deviceIso: string, serverNowMs: number, maxSkewMs: number = MAX_FUTURE_SKEW_MS): boolean {
  const t = Date.parse(deviceIso);
  return Number.isNaN(t) || t - serverNowMs > maxSkewMs;
}

/**
 * Every final answer takes the item out of the outbox, so one bad item never wedges the queue.
 * Anything else (no result for the item, an unknown status from a newer server) keeps it there to
 * be sent again: resending is safe, since the server deduplicates by id.
 */
export function shouldLeaveOutbox(status: MutationStatus | string | undefined): boolean {
  return status !== undefined && (MUTATION_STATUSES as readonly string[]).includes(status);
}

/** Items that left the outbox but must be shown to the collector with their reason. */
export function needsAttention(status: MutationStatus | string | undefined): boolean {
  return status === 'rejected' || status === 'forbidden' || status === 'conflict';
}

/**
 * What the phone does when a whole push failed (no per-item results).
 * - retry: network error, 5xx, 429 and other 4xx: back off and try again, never give up;
 * - retry_smaller: 413, the batch was too large: send fewer items next time (retrying the same
 *   batch would fail forever);
 * - wait_for_login: 401, keep the outbox and send after the same user logs in again;
 * - update_app: 426, keep the outbox and ask the user to update the app.
 */
export type BatchFailureAction = 'retry' | 'retry_smaller' | 'wait_for_login' | 'update_app';

/**
 * @param httpStatus the status of the failed request, or null for a network error or an answer
 *   that could not be read (which is how a 2xx reaching here is treated too).
 */
export function batchFailureAction(httpStatus: number | null): BatchFailureAction {
  if (httpStatus === 401) return 'wait_for_login';
  if (httpStatus === 426) return 'update_app';
  if (httpStatus === 413) return 'retry_smaller';
  return 'retry';
}

/** True when the phone should try the push again by itself (after a backoff). */
export function isRetryable(httpStatus: number | null): boolean {
  const action = batchFailureAction(httpStatus);
  return action === 'retry' || action === 'retry_smaller';
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential from baseMs, capped at capMs,
 * with "equal jitter" (between half and all of the step) so that many phones coming back online
 * together spread out, yet no retry is immediate. There is no last attempt: past the cap the delay
 * stays at the cap forever, because giving up would strand the outbox.
 */
export function nextBackoffMs(
  attempt: number,
  { baseMs = 2000, capMs = 5 * 60_000 }: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  // NaN, 0 and negatives mean "first retry"; Infinity simply sits at the cap.
  const n = attempt >= 1 ? Math.floor(attempt) : 1;
  // Clamping the exponent keeps 2 ** n finite for absurd attempt counts.
  const step = Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (r * step) / 2);
}
