// /api/credit (households): the household's credit page (resident: own only), its objections and
// repair requests (resident-callable), the committee's handling of them, and the one route through
// which a grade leaves the village (for the rural commercial bank): refused without the household's
// bank_sharing and credit_records consent, and audited.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, ANY_ROLE, REVIEWERS, TOWNSHIP_STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { badRequest, conflict, notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { findHouseholdVillageId } from '../../repositories/scope-lookups';
import { findTownshipOfVillage } from '../../repositories/villages';
import { isShownIn } from '../../repositories/consents';
import { recordAudit } from '../../repositories/audit';
import type { AuditAction } from '../../../shared/domain/audit-actions';
import { recordChanges } from '../../db/changes';
import {
  addCreditEvent, findCreditRecordRow, findCreditRequest, findRound, gradeRulesOn, insertCreditRequest, listCreditKinds, listCreditRequests,
  listRoundResults, resolveCreditRequest, setRepaired, upsertRoundResult,
} from '../../repositories/credit';
import { GRADES, recordStanding, repairableFrom } from '../../../shared/domain/credit-grade';
import { normalizeNote } from '../../../shared/validation/note';
import { scopeOfVillage } from '../../../shared/protocol/sync';
import { chinaToday } from '../clock';
import { householdCredit, kindMap, toGradeRecord } from './household-credit';
import { transitionCreditRecord } from './record-routes';

const uuid = z.uuid();
export const CREDIT_REQUEST_KINDS = ['record_objection', 'round_objection', 'repair'] as const;
const requestBody = z.object({
  kind: z.enum(CREDIT_REQUEST_KINDS), recordId: uuid.nullable().default(null), roundId: uuid.nullable().default(null), grounds: z.string().min(1).max(2000),
});
const requestDecisionBody = z.object({ decision: z.enum(['uphold', 'dismiss']), resolution: z.string().min(1).max(1000), grade: z.enum(GRADES).optional() });
const bankShareBody = z.object({ recipient: z.string().min(2).max(80) });

async function householdVillage(db: Parameters<typeof findHouseholdVillageId>[0], householdId: string): Promise<string> {
  const v = await findHouseholdVillageId(db, householdId);
  if (!v) throw notFound('户不存在或不在您的范围内');
  return v;
}

export const creditHouseholdRoutes = new Hono<AppEnv>()
  .get('/households/:householdId', allow({ roles: ANY_ROLE, scope: 'household' }), async (c) => {
    const deps = c.get('deps');
    const householdId = c.req.param('householdId');
    const villageId = await householdVillage(deps.db, householdId);
    const h = await deps.db.selectFrom('households').select(['id', 'household_no', 'head_name']).where('village_id', '=', villageId).where('id', '=', householdId).executeTakeFirstOrThrow();
    const credit = await householdCredit(deps, villageId, householdId, chinaToday(deps.now()));
    return c.json({ household: { id: h.id, villageId, householdNo: h.household_no, headName: h.head_name }, today: chinaToday(deps.now()), ...credit }, 200);
  })
  .post('/households/:householdId/requests', allow({ roles: ['resident', 'committee', 'admin'], scope: 'household' }), jsonBody(requestBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const householdId = c.req.param('householdId');
    const b = c.req.valid('json');
    const grounds = normalizeNote(b.grounds);
    if (!grounds.ok || !grounds.value) throw badRequest(grounds.ok ? 'grounds_required' : grounds.code, grounds.ok ? '请写明理由' : grounds.message);
    const villageId = await householdVillage(deps.db, householdId);
    const today = chinaToday(deps.now());
    const id = uuidv7();
    await writeTransaction(deps, async (trx) => {
      if (b.kind === 'round_objection') {
        const round = b.roundId ? await findRound(trx, b.roundId) : null;
        if (!round || round.villageId !== villageId) throw notFound('评定轮次不存在');
        if (round.status !== 'posted' || (round.objectionEndsAt && round.objectionEndsAt < deps.now().toISOString())) throw conflict('window_closed', '该评定结果不在公示期内，不能提出异议');
        if (!(await listRoundResults(trx, villageId, round.id)).some((r) => r.householdId === householdId)) throw notFound('本户不在该轮评定结果中');
      } else {
        const record = b.recordId ? await findCreditRecordRow(trx, b.recordId) : null;
        if (!record || record.householdId !== householdId) throw notFound('信用信息不存在');
        if (b.kind === 'repair') {
          const township = await findTownshipOfVillage(trx, villageId);
          const [kinds, rules] = await Promise.all([listCreditKinds(trx, township?.id ?? ''), gradeRulesOn(trx, township?.id ?? '', today)]);
          const g = toGradeRecord(record, kindMap(kinds));
          if (!g.negative) throw badRequest('not_negative', '只有负面信用信息可以申请信用修复');
          if (!recordStanding(g, rules.rules, today).counts) throw conflict('not_counting', '该记录已不再计入，无需修复');
          const from = repairableFrom(g, rules.rules);
          if (from && from > today) throw conflict('too_early', `自 ${from} 起可以申请信用修复`);
        } else if (!['submitted', 'approved'].includes(record.state)) {
          throw conflict('invalid_state', '该记录不在有效状态，无需异议');
        }
      }
      const pending = await listCreditRequests(trx, villageId, { householdId, status: 'pending' });
      if (pending.some((p) => p.kind === b.kind && p.recordId === b.recordId && p.roundId === b.roundId)) throw conflict('already_pending', '已有同一事项的申请在处理中');
      await insertCreditRequest(trx, { id, kind: b.kind, villageId, householdId, recordId: b.kind === 'round_objection' ? null : b.recordId, roundId: b.kind === 'round_objection' ? b.roundId : null, grounds: grounds.value, filedBy: user.id, createdAt: deps.now().toISOString() });
    });
    return c.json({ request: await findCreditRequest(deps.db, villageId, id) }, 201);
  })
  .post('/households/:householdId/bank-share', allow({ roles: TOWNSHIP_STAFF, scope: 'household' }), jsonBody(bankShareBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const householdId = c.req.param('householdId');
    const { recipient } = c.req.valid('json');
    const villageId = await householdVillage(deps.db, householdId);
    const township = await findTownshipOfVillage(deps.db, villageId);
    const at = deps.now().toISOString();
    const audit = (action: AuditAction, rowCount: number) => (trx: Parameters<typeof recordAudit>[0]) => recordAudit(trx, {
      townshipId: township?.id ?? '', villageId, actorId: user.id, action, subjectKind: 'household', subjectId: householdId, rowCount, detail: { recipient }, at,
    });
    // Without the household's consent to bank sharing and to credit records (CONSENT_PLACES.bank_share)
    // no grade leaves the village (the refusal is audited too).
    if (!(await isShownIn(deps.db, householdId, 'bank_share'))) {
      await writeTransaction(deps, audit('credit.bank_share_refused', 0));
      throw conflict('consent_required', '该户未同意向银行提供信用信息，不能共享');
    }
    const credit = await householdCredit(deps, villageId, householdId, chinaToday(deps.now()));
    await writeTransaction(deps, audit('credit.bank_share', 1));
    const h = await deps.db.selectFrom('households').select('household_no').where('village_id', '=', villageId).where('id', '=', householdId).executeTakeFirstOrThrow();
    return c.json({ share: { householdNo: h.household_no, grade: credit.grade.grade, because: credit.grade.because, rulesVersion: credit.rulesVersion.version, sharedAt: at, recipient } }, 200);
  })
  .get('/villages/:villageId/requests', allow({ roles: REVIEWERS, scope: 'village' }), async (c) => {
    const db = c.get('deps').db;
    const villageId = c.req.param('villageId');
    const requests = await listCreditRequests(db, villageId, {});
    const households = new Map((await db.selectFrom('households').select(['id', 'household_no', 'head_name']).where('village_id', '=', villageId).execute()).map((h) => [h.id, h]));
    return c.json({ requests: requests.map((r) => ({ ...r, householdNo: households.get(r.householdId)?.household_no ?? '', headName: households.get(r.householdId)?.head_name ?? '' })) }, 200);
  })
  .post('/villages/:villageId/requests/:requestId/decisions', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(requestDecisionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const b = c.req.valid('json');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const req = await findCreditRequest(trx, villageId, c.req.param('requestId'));
      if (!req) throw notFound('申请不存在或不在您的范围内');
      if (req.status !== 'pending') throw conflict('already_resolved', '该申请已处理');
      if (b.decision === 'uphold') {
        if (req.kind === 'round_objection') {
          const round = req.roundId ? await findRound(trx, req.roundId) : null;
          if (!round || round.status !== 'posted') throw conflict('invalid_state', '该轮评定已确定，不能更改');
          if (!b.grade) throw badRequest('grade_required', '采纳异议时请给出更正后的评定等级');
          await upsertRoundResult(trx, villageId, round.id, { householdId: req.householdId, grade: b.grade, flagged: true, note: `异议采纳：${b.resolution.trim()}`, by: user.id, now: at });
        } else {
          const record = req.recordId ? await findCreditRecordRow(trx, req.recordId) : null;
          if (!record) throw notFound('信用信息不存在');
          if (req.kind === 'repair') {
            await setRepaired(trx, villageId, record.id, chinaToday(deps.now()), at);
            await addCreditEvent(trx, { recordId: record.id, villageId, from: record.state, to: record.state, actorId: user.id, reason: `信用修复：${b.resolution.trim()}`, at });
            await recordChanges(trx, scopeOfVillage(villageId), 'creditRecord', [record.id]);
          } else {
            await transitionCreditRecord(trx, record, record.state === 'submitted' ? 'reject' : 'uphold_objection', 'committee', user.id, `异议成立：${b.resolution.trim()}`, at);
          }
        }
      }
      if (!(await resolveCreditRequest(trx, villageId, req.id, b.decision === 'uphold' ? 'upheld' : 'dismissed', b.resolution.trim(), user.id, at))) {
        throw conflict('already_resolved', '该申请已处理');
      }
    });
    return c.json({ request: await findCreditRequest(deps.db, villageId, c.req.param('requestId')) }, 200);
  });
