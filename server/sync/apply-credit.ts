// credit.create and credit.withdraw (field-entry): credit-information records, a ledger of their
// own (guardrail 1: nothing here reads or writes moral-points entries). Rules are checked before
// anything is written; a refusal throws a RuleFailure. These write directly (each item runs in its
// own savepoint in push.ts, like household edits). Kinds are the township's list (the phone pulls
// it: entity creditKind), so a kind the township added is recorded like a built-in one.
import type { CreditCreatePayload, CreditWithdrawPayload } from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import { checkAgainstKind } from '../../shared/domain/credit';
import { EVIDENCE_MESSAGES, checkEvidence } from '../../shared/domain/evidence';
import { normalizeNote } from '../../shared/validation/note';
import { canWriteVillage } from '../access/scope';
import { conflictItem, forbiddenItem, rejected } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { isFutureDate, isRealDate } from './time';
import { addCreditEvent, findCreditRecordRow, insertCreditRecord, moveCreditRecord } from '../repositories/credit';
import { insertEvidence } from '../repositories/evidence';

/** Roles that record credit information in the field (residents and township staff do not). */
const RECORDER_ROLES = ['collector', 'committee', 'admin'];

export async function applyCreditCreate(ctx: ApplyContext, p: CreditCreatePayload, meta: { at: string }): Promise<Applied> {
  const { user, cache } = ctx;
  const contentHash = sha256(canonicalJson(p));
  const existing = await findCreditRecordRow(ctx.trx, p.recordId);
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
  const kind = (await cache.creditKinds(household.townshipId)).find((k) => k.code === p.kind);
  const rules = checkAgainstKind(kind, { source: p.source, documentNo: p.documentNo, issuer: p.issuer ?? '' });
  if (!rules.ok) throw rejected(rules.code, rules.message);
  const note = normalizeNote(p.note);
  if (!note.ok) throw rejected(note.code, note.message);
  // Guardrail 6 also for the document number and issuer fields: free text typed on a phone.
  const doc = normalizeNote(rules.documentNo);
  if (!doc.ok) throw rejected(doc.code, doc.message);
  const issuer = normalizeNote(rules.issuer);
  if (!issuer.ok) throw rejected(issuer.code, issuer.message);
  const evidence = p.evidence ?? [];
  const evidenceCode = checkEvidence(false, evidence);
  if (evidenceCode) throw rejected(evidenceCode, EVIDENCE_MESSAGES[evidenceCode]);

  const now = ctx.nowIso;
  await insertCreditRecord(ctx.trx, {
    id: p.recordId, villageId: household.villageId, householdId: p.householdId, personId: p.personId, kind: p.kind,
    source: p.source, occurredOn: p.occurredOn, documentNo: doc.value, issuer: issuer.value, note: note.value, reverses: null,
    recorderId: user.id, deviceId: ctx.deviceId, contentHash, clientCreatedAt: meta.at, now,
  });
  // A photo may arrive before or after its record (docs/sync-protocol.md "Evidence photos"). A
  // place sent with it is not kept (guardrail 7: a document's photo needs none).
  await insertEvidence(ctx.trx, 'creditRecord', evidence.map((e, position) => ({
    ownerId: p.recordId, hash: e.hash, position, size: e.size, mime: e.type, takenAt: e.takenAt,
  })));
  await addCreditEvent(ctx.trx, { recordId: p.recordId, villageId: household.villageId, from: null, to: 'submitted', actorId: user.id, reason: '', at: now });
  ctx.logChange(scopeOfVillage(household.villageId), 'creditRecord', p.recordId);
  return { outcome: { status: 'applied' }, entityId: p.recordId };
}

export async function applyCreditWithdraw(ctx: ApplyContext, p: CreditWithdrawPayload): Promise<Applied> {
  const { user } = ctx;
  const record = await findCreditRecordRow(ctx.trx, p.recordId);
  if (!record) throw rejected('record_unknown', '信用信息记录不存在');
  if (!canWriteVillage(user, record.villageId)) throw forbiddenItem('out_of_scope', '该记录不在您负责的村');
  if (record.recorderId !== user.id) throw forbiddenItem('not_recorder', '只有记录人可以撤回');
  if (record.state === 'withdrawn') return { outcome: { status: 'duplicate', code: 'already_withdrawn' }, entityId: record.id };
  if (record.state !== 'submitted') throw rejected('not_withdrawable', '记录已进入审核，不能撤回');
  const now = ctx.nowIso;
  const note = normalizeNote(p.reason);
  const reason = note.ok ? note.value : '';
  if (!(await moveCreditRecord(ctx.trx, record.villageId, record.id, 'submitted', 'withdrawn', reason, now))) {
    throw new Error(`credit record ${record.id} changed state under a lock`);
  }
  await addCreditEvent(ctx.trx, { recordId: record.id, villageId: record.villageId, from: 'submitted', to: 'withdrawn', actorId: user.id, reason, at: now });
  ctx.logChange(scopeOfVillage(record.villageId), 'creditRecord', record.id);
  return { outcome: { status: 'applied' }, entityId: record.id };
}
