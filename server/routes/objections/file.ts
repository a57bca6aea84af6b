// Filing an objection: only while the notice's window is open, decided on the server under a lock
// on the notice row (PostgreSQL: FOR UPDATE; SQLite: the write transaction's IMMEDIATE lock). The
// settler claims the same row (settle.ts), so an objection racing the window's end either lands
// before the claim (the entry stays objected) or sees the window closed (409 notice_closed).
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { badRequest, conflict, notFound } from '../../http/errors';
import { findNotice, isWindowOpen } from '../../repositories/notices';
import { findEntryOnNotice, insertObjection } from '../../repositories/objections';
import { markObjected } from './transitions';
import { GROUNDS_RULES, normalizeFreeText } from '../../../shared/validation/free-text';
import { normalizeName } from '../../../shared/validation/name';
import { normalizePhone } from '../../../shared/validation/phone';
import { hashToken, randomReceiptToken } from '../notices/link-token';

export type Filer =
  | { kind: 'resident'; userId: string; householdId: string }
  | { kind: 'link'; name: string | null; phone: string | null };

export interface FileInput { noticeId: string; entryId: string; grounds: string; filer: Filer }

/** Actor id of events written for a filer who is not logged in. */
export const PUBLIC_FILER_ACTOR = 'public';

export function validateFiler(raw: { name?: string; phone?: string }): { name: string | null; phone: string | null } {
  let name: string | null = null;
  let phone: string | null = null;
  if (raw.name && raw.name.trim()) {
    const n = normalizeName(raw.name);
    if (!n.ok) throw badRequest(`name_${n.code}`, n.message);
    name = n.value;
  }
  if (raw.phone && raw.phone.trim()) {
    const p = normalizePhone(raw.phone);
    if (!p.ok) throw badRequest(`phone_${p.code}`, p.message);
    phone = p.value;
  }
  return { name, phone };
}

export async function fileObjection(deps: Deps, input: FileInput): Promise<{ id: string; receipt: string | null; createdAt: string }> {
  const grounds = normalizeFreeText(input.grounds, GROUNDS_RULES);
  if (!grounds.ok) throw badRequest(`grounds_${grounds.code}`, grounds.message);
  const at = deps.now().toISOString();
  const id = uuidv7();
  const receipt = input.filer.kind === 'link' ? randomReceiptToken() : null;
  await writeTransaction(deps, async (trx) => {
    const notice = await findNotice(trx, input.noticeId, { lock: true });
    if (!notice) throw notFound('公示不存在');
    if (!isWindowOpen(notice, at)) throw conflict('notice_closed', '公示期已结束，不能再提出异议');
    const entry = await findEntryOnNotice(trx, input.entryId, { lock: true });
    if (!entry || entry.noticeId !== notice.id) throw notFound('该记录不在本次公示中');
    await markObjected(trx, entry, { actorId: input.filer.kind === 'resident' ? input.filer.userId : PUBLIC_FILER_ACTOR, reason: '收到异议', at });
    await insertObjection(trx, {
      id, noticeId: notice.id, entryId: entry.id, villageId: entry.villageId, householdId: entry.householdId,
      filedBy: input.filer.kind === 'resident' ? input.filer.userId : null,
      filerHouseholdId: input.filer.kind === 'resident' ? input.filer.householdId : null,
      filerName: input.filer.kind === 'link' ? input.filer.name : null,
      filerPhone: input.filer.kind === 'link' ? input.filer.phone : null,
      grounds: grounds.value, receiptHash: receipt ? hashToken(receipt) : null, createdAt: at,
    });
  });
  return { id, receipt, createdAt: at };
}
