// Field-level three-way merge for edits of mutable records (household profile, person), sync.md
// "Mutable records": an offline edit is applied field by field against the current server row,
// and a field both sides changed since the client's base version is reported, never silently lost.
import { canonicalJson } from './result-rules';

export interface FieldConflict {
  field: string;
  /** The value both sides started from, when the caller knows it. */
  baseValue: unknown;
  /** Kept in the merged record; the conflict goes to review. */
  serverValue: unknown;
  clientValue: unknown;
}

export interface MergeInput<T extends object> {
  /** The record as the client last saw it (its base version); may hold only the edited fields. */
  base: Partial<T>;
  /** The record as the server has it now. */
  server: T;
  /** The client's values for the fields it edited. */
  client: Partial<T>;
  changedByClient: readonly string[];
  /** Fields the server's change log shows as written since the client's base version. */
  serverChangedSince: readonly string[];
}

export interface MergeResult<T> {
  merged: T;
  /** Fields that took the client's value. */
  applied: string[];
  /**
   * Fields listed by the client that need no write: the server already has the client's value, or
   * the client's value equals its base (it did not really change the field).
   */
  unchanged: string[];
  conflicts: FieldConflict[];
}

/** Keys that would reach the prototype chain instead of the record. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Structural equality of field values (objects compared by content, undefined only to itself). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * A field changed by the client only → applied. Changed on the server since the base (by the change
 * log, or visibly different from `base`) and by the client to a different value → conflict, server
 * value kept. Equal values are never a conflict. Fields the client did not list are left as the
 * server has them. Which fields may be edited at all is the payload schema's business, not this.
 */
export function mergeFields<T extends object>(input: MergeInput<T>): MergeResult<T> {
  const { base, server, client, serverChangedSince } = input;
  const merged = { ...server } as Record<string, unknown>;
  const serverRec = server as Record<string, unknown>;
  const baseRec = base as Record<string, unknown>;
  const clientRec = client as Record<string, unknown>;
  const applied: string[] = [];
  const unchanged: string[] = [];
  const conflicts: FieldConflict[] = [];

  for (const field of new Set(input.changedByClient)) {
    // A listed field without a value carries no edit; unsafe keys are never written.
    if (UNSAFE_KEYS.has(field) || !has(client, field)) continue;
    const clientValue = clientRec[field];
    const serverValue = serverRec[field];
    const baseKnown = has(base, field);
    if (same(clientValue, serverValue) || (baseKnown && same(clientValue, baseRec[field]))) {
      unchanged.push(field);
      continue;
    }
    const serverChanged = serverChangedSince.includes(field) || (baseKnown && !same(baseRec[field], serverValue));
    if (serverChanged) {
      conflicts.push({ field, baseValue: baseKnown ? baseRec[field] : undefined, serverValue, clientValue });
    } else {
      merged[field] = clientValue;
      applied.push(field);
    }
  }
  return { merged: merged as T, applied, unchanged, conflicts };
}
