// The committee resolves an objection (domain.md): upheld → the entry is rejected; dismissed → it
// becomes effective (window closed) or goes back on notice; amended → replaced by a new entry for
// the corrected points. The reason is shown to the objector. A member never resolves an objection
// to an entry they recorded.
import { uuidv7 } from 'uuidv7';
import type { Deps, SessionUser } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { AppError, badRequest, conflict, notFound } from '../../http/errors';
import { findNotice, isWindowOpen } from '../../repositories/notices';
import { findEntryOnNotice, findIndicatorRange, findObjection, listPendingOfEntry, resolveObjections } from '../../repositories/objections';
import { checkAmendedPoints, entryAfterResolution, type ObjectionResolution } from '../../../shared/domain/notice';
import { normalizeFreeText, RESOLUTION_REASON_RULES } from '../../../shared/validation/free-text';
import { rejectUpheld, replaceAmended, restoreDismissed } from './transitions';

export interface ResolveInput { resolution: ObjectionResolution; reason: string; points?: number }

export async function resolveObjection(deps: Deps, user: SessionUser, objectionId: string, input: ResolveInput): Promise<{ entryState: string; replacementEntryId: string | null }> {
  const reason = normalizeFreeText(input.reason, RESOLUTION_REASON_RULES);
  if (!reason.ok) throw badRequest(`reason_${reason.code}`, reason.message);
  if (input.resolution === 'amended' && input.points === undefined) throw badRequest('points_required', '更正须填写更正后的分值');
  const at = deps.now().toISOString();
  return writeTransaction(deps, async (trx) => {
    const objection = await findObjection(trx, objectionId, { lock: true });
    if (!objection) throw notFound('异议不存在');
    if (objection.status !== 'pending') throw conflict('objection_resolved', '该异议已处理');
    const notice = await findNotice(trx, objection.noticeId, { lock: true });
    const entry = await findEntryOnNotice(trx, objection.entryId, { lock: true });
    if (!notice || !entry) throw notFound('异议所涉记录不存在');
    if (entry.recorderId === user.id) throw new AppError(403, 'own_entry', '不能处理针对自己录入记录的异议');
    const others = await listPendingOfEntry(trx, entry.id, objection.id);
    const next = entryAfterResolution(input.resolution, { windowOpen: isWindowOpen(notice, at), otherPending: others.length });
    const by = { actorId: user.id, reason: reason.value, at };
    let replacementEntryId: string | null = null;
    if (input.resolution === 'upheld') {
      await rejectUpheld(trx, entry, by);
    } else if (input.resolution === 'amended') {
      const check = checkAmendedPoints(entry.points, input.points!, await findIndicatorRange(trx, entry.catalogVersionId, entry.indicatorCode));
      if (!check.ok) throw badRequest('points_invalid', check.message);
      replacementEntryId = uuidv7();
      await replaceAmended(trx, entry, { ...by, newId: replacementEntryId, points: input.points!, state: next.replacement! });
    } else if (next.entry !== 'objected') {
      await restoreDismissed(trx, entry, next.entry as 'publicized' | 'effective', by);
    }
    // Upheld or amended settles the entry's other pending objections the same way; a dismissal only its own.
    const ids = input.resolution === 'dismissed' ? [objection.id] : [objection.id, ...others];
    await resolveObjections(trx, ids, { status: input.resolution, reason: reason.value, by: user.id, at, replacementEntryId });
    return { entryState: next.entry, replacementEntryId };
  });
}
