// credit.create and credit.withdraw (field-entry): credit-information records, a ledger of their
// own (guardrail 1: nothing here reads or writes moral-points entries). Rules are checked before
// anything is written; a refusal throws a RuleFailure. These write directly (each item runs in its
// own savepoint in push.ts, like household edits).
import { newId } from './ids';
import type { CreditCreatePayload, CreditWithdrawPayload } from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import { checkCreditRecord } from '../../shared/domain/credit';
import { normalizeNote } from '../../shared/validation/note';
import { canWriteVillage } from '../access/scope';
import { conflictItem, forbiddenItem, rejected } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { isFutureDate, isRealDate } from './time';
import {
  findCreditRecord, insertCreditRecord, insertCreditRecordEvent, setCreditRecordState,
} from '../repositories/credit-records';

/** Roles that record credit information in the field (residents and township staff do not). */
const RECORDER_ROLES = ['collector', 'committee', 'admin'];

export async function applyCreditCreate(ctx: ApplyContext, p: CreditCreatePayload, meta: { at: string }): Promise<Applied> {
  const { user, cache } = ctx;
  const contentHash = sha256(canonicalJson(p));
  const existing = await findCreditRecord(ctx.trx, p.recordId);
  if (existing) {
    if (existing.contentHash === contentHash && existing.recorderId === user.id) {
      return { outcome: { status: 'duplicate', code: 'credit_exists' }, entityId: existing.id };
    }
    throw conflictItem('record_id_reused', '记录编号已被其他内容使用');
  }
  if (!RECORDER_ROLES.includes(user.role)) throw forbiddenItem('role_may_not_record', '您的角色不能采集信用信息');
  const household = await cache.household(p.householdId);
  if (!household || !canWriteVillage(user, household.villageId)) throw forbiddenItem('out_of_scope', '该户不存在或不在您负责的村');
  if (p.personId !== null && (await cache.personHousehold(p.personId)) !== p.householdId) {
    throw rejected('person_unknown', '该村民不属于此户');
  }
  if (!isRealDate(p.occurredOn)) throw rejected('invalid_date', '日期无效');
  if (isFutureDate(p.occurredOn, ctx.now.getTime())) throw rejected('future_time', '日期不能晚于今天');
  const rules = checkCreditRecord(p);
  if (!rules.ok) throw rejected(rules.code, rules.message);
  const note = normalizeNote(p.note);
  if (!note.ok) throw rejected(note.code, note.message);
  // Guardrail 6 also for the document number field: it is free text typed on a phone.
  const doc = normalizeNote(rules.documentNo);
  if (!doc.ok) throw rejected(doc.code, doc.message);

  const now = ctx.nowIso;
  await insertCreditRecord(ctx.trx, {
    id: p.recordId, villageId: household.villageId, householdId: p.householdId, personId: p.personId, kind: p.kind,
    source: p.source, occurredOn: p.occurredOn, documentNo: doc.value, note: note.value, recorderId: user.id,
    deviceId: ctx.deviceId, contentHash, clientCreatedAt: meta.at, now,
  });
  await insertCreditRecordEvent(ctx.trx, {
    id: newId(), recordId: p.recordId, villageId: household.villageId, from: null, to: 'submitted', actorId: user.id, reason: '', at: now,
  });
  ctx.logChange(scopeOfVillage(household.villageId), 'creditRecord', p.recordId);
  return { outcome: { status: 'applied' }, entityId: p.recordId };
}

export async function applyCreditWithdraw(ctx: ApplyContext, p: CreditWithdrawPayload): Promise<Applied> {
  const { user } = ctx;
  const record = await findCreditRecord(ctx.trx, p.recordId);
  if (!record) throw rejected('record_unknown', '信用信息记录不存在');
  if (!canWriteVillage(user, record.villageId)) throw forbiddenItem('out_of_scope', '该记录不在您负责的村');
  if (record.recorderId !== user.id) throw forbiddenItem('not_recorder', '只有记录人可以撤回');
  if (record.state === 'withdrawn') return { outcome: { status: 'duplicate', code: 'already_withdrawn' }, entityId: record.id };
  if (record.state !== 'submitted') throw rejected('not_withdrawable', '记录已进入审核，不能撤回');
  const now = ctx.nowIso;
  if (!(await setCreditRecordState(ctx.trx, record.id, 'submitted', 'withdrawn', now))) {
    throw new Error(`credit record ${record.id} changed state under a lock`);
  }
  const note = normalizeNote(p.reason);
  await insertCreditRecordEvent(ctx.trx, {
    id: newId(), recordId: record.id, villageId: record.villageId, from: 'submitted', to: 'withdrawn', actorId: user.id,
    reason: note.ok ? note.value : '', at: now,
  });
  ctx.logChange(scopeOfVillage(record.villageId), 'creditRecord', record.id);
  return { outcome: { status: 'applied' }, entityId: record.id };
}
