// /api/credit (records): the village's credit records for review, office entry by the committee,
// review decisions through the one transition table (shared/domain/credit-transitions.ts), and
// corrections by a reversing record, itself reviewed. Every change is an event and reaches the
// village's phones by the pull (entity creditRecord).
import crypto from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction, type WriteTrx } from '../../db/transaction';
import { recordChanges } from '../../db/changes';
import { allow, REVIEWERS, STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { AppError, badRequest, conflict, notFound } from '../../http/errors';
import { jsonBody, queryParams } from '../../http/validate';
import { findHouseholdVillageId } from '../../repositories/scope-lookups';
import { findTownshipOfVillage } from '../../repositories/villages';
import {
  addCreditEvent, findCreditRecordRow, findPendingReversal, insertCreditRecord, listCreditEvents, listCreditKinds, listVillageCreditRecords,
  moveCreditRecord, personHouseholdOf, setCreditIssuer, type CreditRecordRow,
} from '../../repositories/credit';
import { creditEvidence, maskedSubjects } from './subjects';
import { findUpload, insertEvidence } from '../../repositories/evidence';
import type { Queryable } from '../../repositories/queryable';
import { evidenceRef, scopeOfVillage } from '../../../shared/protocol/sync';
import { EVIDENCE_MESSAGES, checkEvidence, type EvidenceRef } from '../../../shared/domain/evidence';
import { checkAgainstKind, ISSUER_REQUIRED } from '../../../shared/domain/credit';
import { creditTransition, CREDIT_RECORD_STATES, type CreditEvent } from '../../../shared/domain/credit-transitions';
import { normalizeNote } from '../../../shared/validation/note';
import { chinaToday } from '../clock';

const uuid = z.uuid();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const recordBody = z.object({
  householdId: uuid, personId: uuid.nullable().default(null), kind: z.string().min(1).max(40), source: z.string().min(1).max(40),
  occurredOn: date, documentNo: z.string().max(200).default(''), issuer: z.string().max(200).default(''), note: z.string().max(2000).default(''),
  // Photos of the document, uploaded first through PUT /api/evidence/:sha256 (the office is online).
  evidence: z.array(evidenceRef).max(20).default([]),
});
const decisionBody = z.object({ decision: z.enum(['approve', 'reject', 'return']), reason: z.string().max(500).default(''), issuer: z.string().max(200).optional() });
const reversalBody = z.object({ reason: z.string().min(1).max(500) });

/**
 * The photos of an office entry, checked like a phone's (count, duplicates, type, size) and
 * present on the server: at the office the form uploads them before it saves, so a photo the
 * server does not hold complete is refused rather than linked broken. Size and type are the
 * server's own, from the verified upload.
 */
async function officePhotos(db: Queryable, refs: readonly EvidenceRef[]): Promise<{ hash: string; size: number; mime: string; takenAt: string }[]> {
  const code = checkEvidence(false, refs);
  if (code) throw badRequest(code, EVIDENCE_MESSAGES[code]);
  const out = [];
  for (const r of refs) {
    const held = await findUpload(db, r.hash);
    if (!held?.complete) throw new AppError(422, 'evidence_missing', '照片尚未上传完成，请重新添加照片后再保存');
    out.push({ hash: r.hash, size: held.size, mime: held.mime, takenAt: r.takenAt });
  }
  return out;
}

/** One state change of a record: the table decides, the row moves, an event is written, phones learn of it. */
export async function transitionCreditRecord(trx: WriteTrx, r: CreditRecordRow, event: CreditEvent, actor: 'committee' | 'system', actorId: string, reason: string, at: string): Promise<string> {
  const t = creditTransition(r.state, event, actor, { reason, actorIsRecorder: r.recorderId === actorId });
  if (!t.ok) throw conflict(t.code, t.message);
  if (!(await moveCreditRecord(trx, r.villageId, r.id, r.state, t.to, reason, at))) throw conflict('invalid_state', '该信用信息刚被他人处理，请刷新');
  await addCreditEvent(trx, { recordId: r.id, villageId: r.villageId, from: r.state, to: t.to, actorId, reason, at });
  await recordChanges(trx, scopeOfVillage(r.villageId), 'creditRecord', [r.id]);
  return t.to;
}

export const creditRecordRoutes = new Hono<AppEnv>()
  .get('/villages/:villageId/kinds', allow({ roles: STAFF, scope: 'village' }), async (c) => {
    const db = c.get('deps').db;
    const township = await findTownshipOfVillage(db, c.req.param('villageId'));
    return c.json({ kinds: (await listCreditKinds(db, township?.id ?? '')).filter((k) => k.active) }, 200);
  })
  .get('/villages/:villageId/records', allow({ roles: STAFF, scope: 'village' }), queryParams(z.object({ state: z.enum(CREDIT_RECORD_STATES).optional() })), async (c) => {
    const db = c.get('deps').db;
    const villageId = c.req.param('villageId');
    const { state } = c.req.valid('query');
    const township = await findTownshipOfVillage(db, villageId);
    const kinds = new Map((await listCreditKinds(db, township?.id ?? '')).map((k) => [k.code, k]));
    const rows = await listVillageCreditRecords(db, villageId, state ? [state] : null, 500);
    const [subjects, evidence] = await Promise.all([maskedSubjects(c.get('deps'), db, villageId, rows.map((r) => r.personId)), creditEvidence(db, rows.map((r) => r.id))]);
    return c.json({
      records: rows.map(({ contentHash: _hash, ...r }) => ({
        ...r, kindNameZh: kinds.get(r.kind)?.nameZh ?? r.kind, kindNameEn: kinds.get(r.kind)?.nameEn ?? r.kind, negative: kinds.get(r.kind)?.negative ?? false,
        person: r.personId ? subjects.get(r.personId) ?? null : null, evidence: evidence.get(r.id) ?? [],
      })),
    }, 200);
  })
  .post('/villages/:villageId/records', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(recordBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const b = c.req.valid('json');
    if ((await findHouseholdVillageId(deps.db, b.householdId)) !== villageId) throw notFound('户不存在或不在您的范围内');
    if (b.personId && (await personHouseholdOf(deps.db, villageId, b.personId)) !== b.householdId) throw badRequest('person_unknown', '该村民不属于此户');
    if (b.occurredOn > chinaToday(deps.now())) throw badRequest('future_time', '日期不能晚于今天');
    const township = await findTownshipOfVillage(deps.db, villageId);
    const kind = (await listCreditKinds(deps.db, township?.id ?? '')).find((k) => k.code === b.kind);
    const checked = checkAgainstKind(kind, b);
    if (!checked.ok) throw badRequest(checked.code, checked.message);
    const note = normalizeNote(b.note);
    if (!note.ok) throw badRequest(note.code, note.message);
    for (const text of [checked.documentNo, checked.issuer]) {
      const n = normalizeNote(text);
      if (!n.ok) throw badRequest(n.code, n.message);
    }
    const photos = await officePhotos(deps.db, b.evidence);
    const id = uuidv7();
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      await insertCreditRecord(trx, {
        id, villageId, householdId: b.householdId, personId: b.personId, kind: b.kind, source: b.source, occurredOn: b.occurredOn,
        documentNo: checked.documentNo, issuer: checked.issuer, note: note.value, reverses: null, recorderId: user.id,
        contentHash: crypto.createHash('sha256').update(JSON.stringify(b)).digest('hex'), deviceId: 'office', clientCreatedAt: at, now: at,
      });
      await insertEvidence(trx, 'creditRecord', photos.map((p, position) => ({ ownerId: id, hash: p.hash, position, size: p.size, mime: p.mime, takenAt: p.takenAt })));
      await addCreditEvent(trx, { recordId: id, villageId, from: null, to: 'submitted', actorId: user.id, reason: '村委会办公室录入', at });
      await recordChanges(trx, scopeOfVillage(villageId), 'creditRecord', [id]);
    });
    const { contentHash: _hash, ...record } = (await findCreditRecordRow(deps.db, id))!;
    return c.json({ record: { ...record, evidence: (await creditEvidence(deps.db, [id])).get(id) ?? [] } }, 201);
  })
  .get('/records/:creditRecordId', allow({ roles: STAFF, scope: 'creditRecord' }), async (c) => {
    const db = c.get('deps').db;
    const found = await findCreditRecordRow(db, c.req.param('creditRecordId'));
    if (!found) throw notFound('信用信息不存在或不在您的范围内');
    const { contentHash: _hash, ...record } = found;
    const [subjects, evidence, events] = await Promise.all([
      maskedSubjects(c.get('deps'), db, record.villageId, [record.personId]), creditEvidence(db, [record.id]), listCreditEvents(db, record.villageId, [record.id]),
    ]);
    return c.json({ record: { ...record, person: record.personId ? subjects.get(record.personId) ?? null : null, evidence: evidence.get(record.id) ?? [] }, events }, 200);
  })
  .post('/records/:creditRecordId/decisions', allow({ roles: REVIEWERS, scope: 'creditRecord' }), jsonBody(decisionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { decision, reason, issuer } = c.req.valid('json');
    const at = deps.now().toISOString();
    const state = await writeTransaction(deps, async (trx) => {
      const r = await findCreditRecordRow(trx, c.req.param('creditRecordId'));
      if (!r) throw notFound('信用信息不存在或不在您的范围内');
      if (decision === 'approve') {
        const township = await findTownshipOfVillage(trx, r.villageId);
        const kind = (await listCreditKinds(trx, township?.id ?? '')).find((k) => k.code === r.kind);
        // A negative record rests on a legally effective document: number and issuer, checked at approval.
        if (kind?.negative) {
          const named = (issuer ?? '').trim() || r.issuer;
          if (!r.documentNo) throw conflict('document_required', '负面信用信息必须有生效文书的文号，不能通过');
          if (!named) throw badRequest('issuer_required', ISSUER_REQUIRED);
          if (!r.issuer) await setCreditIssuer(trx, r.villageId, r.id, named.slice(0, 80));
        }
      }
      const to = await transitionCreditRecord(trx, r, decision, 'committee', user.id, reason.trim(), at);
      // Approving a reversing record reverses the record it corrects.
      if (to === 'approved' && r.reverses) {
        const original = await findCreditRecordRow(trx, r.reverses);
        if (original) await transitionCreditRecord(trx, original, 'reverse', 'system', user.id, reason.trim() || '冲正记录已通过审核', at);
      }
      return to;
    });
    return c.json({ record: await findCreditRecordRow(deps.db, c.req.param('creditRecordId')), state }, 200);
  })
  .post('/records/:creditRecordId/reversals', allow({ roles: REVIEWERS, scope: 'creditRecord' }), jsonBody(reversalBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const reason = normalizeNote(c.req.valid('json').reason);
    if (!reason.ok || !reason.value) throw badRequest('reason_required', '冲正必须写明理由');
    const id = uuidv7();
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const r = await findCreditRecordRow(trx, c.req.param('creditRecordId'));
      if (!r) throw notFound('信用信息不存在或不在您的范围内');
      if (r.state !== 'approved' || r.reverses) throw conflict('invalid_state', '只有已通过的信用信息可以冲正');
      if (await findPendingReversal(trx, r.villageId, r.id)) throw conflict('reversal_pending', '该记录已有待审核的冲正记录');
      await insertCreditRecord(trx, {
        id, villageId: r.villageId, householdId: r.householdId, personId: r.personId, kind: r.kind, source: r.source, occurredOn: r.occurredOn,
        documentNo: r.documentNo, issuer: r.issuer, note: reason.value, reverses: r.id, recorderId: user.id, contentHash: id,
        deviceId: 'office', clientCreatedAt: at, now: at,
      });
      await addCreditEvent(trx, { recordId: id, villageId: r.villageId, from: null, to: 'submitted', actorId: user.id, reason: reason.value, at });
      await recordChanges(trx, scopeOfVillage(r.villageId), 'creditRecord', [id]);
    });
    return c.json({ record: await findCreditRecordRow(deps.db, id) }, 201);
  });
