// Batch approval of plain positive entries (issue 12): a bounded list of ids, one transaction,
// an answer per id. Each id is decided by the same rules as a single decision (decide.ts): an
// entry of another village, a deduction, a reversal, the approver's own entry or one no longer
// submitted is refused with its code, and the others are approved.
import { writeTransaction, type TransactionDeps } from '../../db/transaction';
import { AppError } from '../../http/errors';
import { transitionEntries } from '../../repositories/entry-events';
import { findEntryForReview } from '../../repositories/review';
import { isBatchApprovable } from '../../../shared/domain/review-rules';
import { decide } from './decide';

export interface BatchResult { id: string; status: 'approved' | 'refused'; code?: string; message?: string }

export async function approveBatch(deps: TransactionDeps & { now(): Date }, actorId: string, villageId: string, entryIds: readonly string[]): Promise<BatchResult[]> {
  const at = deps.now().toISOString();
  const unique = [...new Set(entryIds)];
  const byId = await writeTransaction(deps, async (trx) => {
    const out = new Map<string, BatchResult>();
    const approved: string[] = [];
    // Locked in id order (PostgreSQL), so two batches over the same entries cannot deadlock.
    for (const id of [...unique].sort()) {
      const entry = await findEntryForReview(trx, id);
      if (!entry || entry.villageId !== villageId) {
        out.set(id, { id, status: 'refused', code: 'not_found', message: '记录不存在或不在此村' });
        continue;
      }
      if (!isBatchApprovable(entry)) {
        out.set(id, { id, status: 'refused', code: 'not_batch_approvable', message: '扣分和冲正记录须逐条审核' });
        continue;
      }
      try {
        decide({ ...entry, evidence: [] }, [], actorId, 'approve', '');
        approved.push(id);
        out.set(id, { id, status: 'approved' });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out.set(id, { id, status: 'refused', code: err.code, message: err.message });
      }
    }
    await transitionEntries(trx, { villageId, entryIds: approved, from: 'submitted', event: 'approve', actor: 'committee', actorId, reason: '批量审核通过', at });
    return out;
  });
  return entryIds.map((id) => byId.get(id)!).filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i);
}
