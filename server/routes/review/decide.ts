// The committee's decision on a submitted entry, as a pure function of the entry, who has approved
// it so far, and the request. Rules (domain.md, docs/api.md):
// - only submitted entries are decided (else 409 invalid_state);
// - a recorder never decides on their own entry (403 own_entry);
// - reject and return need a reason (400 reason_required);
// - a deduction needs a non-empty note as its basis (409 evidence_required) and two distinct
//   approvers: the first approval leaves it submitted.
import type { EntryDto } from '../../../shared/protocol/tables';
import type { EntryState } from '../../../shared/domain/entry-state';
import { AppError, badRequest, conflict } from '../../http/errors';

export type Decision = 'approve' | 'reject' | 'return';

export type Outcome =
  | { kind: 'transition'; to: EntryState }
  /** First of two approvals of a deduction: recorded, state unchanged. */
  | { kind: 'first_approval' };

export const approvalsNeeded = (entry: Pick<EntryDto, 'points'>) => (entry.points < 0 ? 2 : 1);

export function decide(entry: EntryDto, approvers: readonly string[], actorId: string, decision: Decision, reason: string): Outcome {
  if (entry.state !== 'submitted') throw conflict('invalid_state', `该记录当前状态为「${entry.state}」，不能审核`);
  if (entry.recorderId === actorId) throw new AppError(403, 'own_entry', '不能审核自己录入的记录');
  if (decision !== 'approve') {
    if (reason.trim() === '') throw badRequest('reason_required', decision === 'reject' ? '驳回须填写理由' : '退回须填写理由');
    return { kind: 'transition', to: decision === 'reject' ? 'rejected' : 'returned' };
  }
  if (entry.points < 0 && entry.note.trim() === '') throw conflict('evidence_required', '扣分记录须写明依据和证据后才能审核通过');
  if (approvers.includes(actorId)) throw conflict('already_approved', '您已审核同意，需另一位审核人同意');
  return approvers.length + 1 >= approvalsNeeded(entry) ? { kind: 'transition', to: 'approved' } : { kind: 'first_approval' };
}
