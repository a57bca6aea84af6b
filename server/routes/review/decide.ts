// The committee's decision on a submitted entry, as a pure function of the entry, who has approved
// it so far, and the request. Rules (domain.md, docs/api.md):
// - the arrow must exist in the shared transition table (else 409 invalid_state) and reject and
//   return need a reason (400 reason_required);
// - a recorder never decides on their own entry (403 own_entry);
// - a deduction (guardrail 2) needs evidence (409 evidence_required), a stated basis — a village
//   rule or an official finding — (409 basis_required; the first approver states it, the second
//   confirms it) and two distinct approvers: the first approval leaves it submitted.
import type { EntryDto } from '../../../shared/protocol/tables';
import type { EntryState } from '../../../shared/domain/entry-state';
import { approvalsNeeded, hasEvidence, isDeduction, validBasis, type Basis } from '../../../shared/domain/review-rules';
import { AppError, conflict } from '../../http/errors';
import { requireTransition } from '../../http/transition';

export type Decision = 'approve' | 'reject' | 'return';

export interface Reviewable extends Pick<EntryDto, 'state' | 'recorderId' | 'points' | 'note' | 'reverses'> {
  basis: Basis | null;
  evidence: readonly unknown[];
}

export type Outcome =
  | { kind: 'transition'; to: EntryState; basis: Basis | null }
  /** First of two approvals of a deduction: recorded, state unchanged; the basis is stored. */
  | { kind: 'first_approval'; basis: Basis };

export { approvalsNeeded };

export function decide(entry: Reviewable, approvers: readonly string[], actorId: string, decision: Decision, reason: string, basis: Basis | null = null): Outcome {
  const to = requireTransition(entry.state, decision, 'committee', reason);
  if (entry.recorderId === actorId) throw new AppError(403, 'own_entry', '不能审核自己录入的记录');
  if (decision !== 'approve' || !isDeduction(entry)) return { kind: 'transition', to, basis: entry.basis };
  if (!hasEvidence(entry)) throw conflict('evidence_required', '扣分记录须有证据（照片或书面说明）才能审核通过');
  const stated = entry.basis ?? (validBasis(basis) ? { kind: basis.kind, text: basis.text.trim() } : null);
  if (!stated) throw conflict('basis_required', '扣分须写明依据：村规民约条款或有关部门的处理决定');
  if (approvers.includes(actorId)) throw conflict('already_approved', '您已审核同意，需另一位审核人同意');
  return approvers.length + 1 >= approvalsNeeded(entry) ? { kind: 'transition', to, basis: stated } : { kind: 'first_approval', basis: stated };
}
