// The answer to one pushed mutation, as stored on its sync_mutations row and sent to the phone.
import type { MutationResult, MutationStatus } from '../../shared/protocol/sync';

export interface Outcome {
  status: MutationStatus;
  code?: string;
  message?: string;
  /** field_conflict: the fields whose server value was kept. */
  fields?: string[];
}

/**
 * Thrown by an apply step when a rule refuses the mutation. The push catches it, rolls back the
 * step's savepoint (so nothing it wrote survives) and stores the outcome on the mutation's row,
 * so that a replay of the same mutation gets the same answer.
 */
export class RuleFailure extends Error {
  constructor(readonly outcome: Outcome & { status: 'rejected' | 'forbidden' | 'conflict' }) {
    super(`${outcome.status}: ${outcome.code ?? ''}`);
  }
}

export const rejected = (code: string, message: string) => new RuleFailure({ status: 'rejected', code, message });
export const forbiddenItem = (code: string, message: string) => new RuleFailure({ status: 'forbidden', code, message });
export const conflictItem = (code: string, message: string) => new RuleFailure({ status: 'conflict', code, message });

export function toResult(id: string, o: Outcome): MutationResult {
  const r: MutationResult = { id, status: o.status };
  if (o.code) r.code = o.code;
  if (o.message) r.message = o.message;
  if (o.fields && o.fields.length > 0) r.fields = o.fields;
  return r;
}
