// Residents (issue 9, guardrails 4, 5, 6, 9, 10):
// - /api/households/:householdId/consents — the household's consent per purpose; a resident answers
//   and changes it (every change a row, recordConsent), a guardian for the household's minors;
// - /api/households/:householdId/corrections — a resident asks for a correction of a personal-data
//   field; the village admin (committee) resolves it at …/corrections/:correctionId/resolution;
// - /api/households/:householdId/resident-pin — the village admin sets or resets a member's PIN;
// - /api/villages/:villageId/qr-slips — the village admin issues household QR slips (the token is
//   shown once, for printing) and lists them; …/households/:householdId/qr-slips/:slipId/revoke.
// Out of scope answers 404 (the access rule for the household / village; the handlers for ids of
// another household).
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv, Deps, SessionUser } from '../../context';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { jsonBody, queryParams } from '../../http/validate';
import { AppError, badRequest, conflict, notFound } from '../../http/errors';
import { writeTransaction } from '../../db/transaction';
import { recordAudit } from '../../repositories/audit';
import { consentHistory, currentConsents, hasAnsweredConsent, recordConsent } from '../../repositories/consents';
import { findHousehold, listHouseholdsOfVillage } from '../../repositories/households';
import { findTownshipOfVillage } from '../../repositories/villages';
import { countRequest } from '../../repositories/rate-limits';
import { insertUser } from '../../repositories/users';
import {
  findCorrectionOfHousehold, findOrCreateQrUser, findPersonByPhone, findPersonOfHousehold, findQrSlipOfHousehold, findUserByPhone, findUserPhone,
  insertCorrection, insertQrToken, listCorrectionsOfHousehold, listCorrectionsOfVillage, listMinorsOfHousehold, listQrSlips,
  resolveCorrection, revokeQrSlip, revokeSessionsOfUser, setUserPin,
} from '../../repositories/residents';
import { hashSecret } from '../../auth/password';
import { CONSENT_PURPOSES } from '../../../shared/domain/consent';
import { CORRECTION_FIELDS, CORRECTION_STATUSES, fieldTakesValue, PURPOSE_HIDES, pinProblem } from '../../../shared/domain/residents';
import { normalizeFreeText, RESOLUTION_REASON_RULES } from '../../../shared/validation/free-text';
import { normalizePhone } from '../../../shared/validation/phone';
import { hashQrToken, newQrToken, qrSlipPath } from './qr-token';

const consentBody = z.object({
  consents: z.object(Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, z.boolean()])) as Record<(typeof CONSENT_PURPOSES)[number], z.ZodBoolean>),
  /** The person answering is the guardian of the household's minors (needed when there are any). */
  guardian: z.boolean().optional(),
});
const correctionBody = z.object({
  personId: z.string().min(1).max(64).nullable().optional(),
  field: z.enum(CORRECTION_FIELDS),
  requested: z.string().max(200).optional(),
  note: z.string().max(500).optional(),
});
const resolutionBody = z.object({ outcome: z.enum(['done', 'refused']), note: z.string().max(500) });
const pinBody = z.object({ personId: z.string().min(1).max(64), pin: z.string().max(16) });
const slipsBody = z.object({ householdIds: z.array(z.string().min(1).max(64)).min(1).max(500) });
const correctionsQuery = z.object({ status: z.enum(CORRECTION_STATUSES).optional() });

/** PIN set/reset by the village admin: per admin and per member, within an hour. */
const PIN_WINDOW_MS = 3600_000;
const PIN_PER_ADMIN = 30;
const PIN_PER_PERSON = 5;

const CORRECTION_TEXT = { min: 1, max: 200, what: '更正内容' };
const CORRECTION_NOTE = { min: 1, max: 500, what: '说明' };

async function townshipOf(deps: Deps, villageId: string): Promise<string> {
  const t = await findTownshipOfVillage(deps.db, villageId);
  if (!t) throw notFound('村不存在');
  return t.id;
}

async function householdOf(deps: Deps, householdId: string) {
  const h = await findHousehold(deps.db, householdId);
  if (!h) throw notFound('户不存在或不在您的范围内');
  return h;
}

function freeText(raw: string | undefined, rules: { min: number; max: number; what: string }, required: boolean): string {
  if (!raw?.trim()) {
    if (required) throw badRequest('invalid_text', `请填写${rules.what}`);
    return '';
  }
  const r = normalizeFreeText(raw, rules);
  if (!r.ok) throw badRequest(`text_${r.code}`, r.message);
  return r.value;
}

async function consentAnswer(deps: Deps, householdId: string) {
  const [answered, consents, history, minors] = await Promise.all([
    hasAnsweredConsent(deps.db, householdId), currentConsents(deps.db, householdId),
    consentHistory(deps.db, householdId), listMinorsOfHousehold(deps.db, householdId),
  ]);
  return {
    answered, consents, minors: minors.map((m) => ({ id: m.id, name: m.name })), hides: PURPOSE_HIDES,
    // Who recorded a change stays on the server (an id of staff or of a household account).
    history: history.map((h) => ({ purpose: h.purpose, granted: h.granted, forMinor: h.personId !== null && minors.some((m) => m.id === h.personId), at: h.at })),
  };
}

async function throttlePin(deps: Deps, user: SessionUser, personId: string): Promise<void> {
  const now = deps.now().getTime();
  const [admin, person] = await Promise.all([
    countRequest(deps.db, `pin-set:user:${user.id}`, now, PIN_WINDOW_MS),
    countRequest(deps.db, `pin-set:person:${personId}`, now, PIN_WINDOW_MS),
  ]);
  if (admin.count > PIN_PER_ADMIN || person.count > PIN_PER_PERSON) {
    throw new AppError(429, 'too_many_pin_changes', 'PIN码设置过于频繁，请一小时后再试', PIN_WINDOW_MS / 1000);
  }
}

export const householdResidentRoutes = new Hono<AppEnv>()
  .get('/:householdId/consents', allow({ roles: ['resident', 'committee', 'admin'], scope: 'household' }), async (c) => {
    return c.json(await consentAnswer(c.get('deps'), c.req.param('householdId')), 200);
  })
  .put('/:householdId/consents', allow({ roles: ['resident'], scope: 'household' }), jsonBody(consentBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const household = await householdOf(deps, c.req.param('householdId'));
    const body = c.req.valid('json');
    const minors = await listMinorsOfHousehold(deps.db, household.id);
    if (minors.length && !body.guardian) throw badRequest('guardian_required', '家里有未成年人，需由监护人确认后才能保存');
    const townshipId = await townshipOf(deps, household.villageId);
    const me = await findUserPhone(deps.db, user.id);
    const personId = await findPersonByPhone(deps.db, household.id, me);
    const before = await currentConsents(deps.db, household.id);
    const answered = await hasAnsweredConsent(deps.db, household.id);
    await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      const changed = CONSENT_PURPOSES.filter((p) => !answered || before[p] !== body.consents[p]);
      for (const purpose of changed) {
        // The guardian's consent for each minor first; the household's row last (the latest row is in force).
        for (const m of minors) await recordConsent(trx, { householdId: household.id, villageId: household.villageId, purpose, granted: body.consents[purpose], personId: m.id, recordedBy: user.id, at });
        await recordConsent(trx, { householdId: household.id, villageId: household.villageId, purpose, granted: body.consents[purpose], personId, recordedBy: user.id, at });
      }
      if (changed.length) {
        await recordAudit(trx, {
          townshipId, villageId: household.villageId, actorId: user.id, action: 'consent.change', subjectKind: 'household', subjectId: household.id,
          rowCount: changed.length, detail: Object.fromEntries(changed.map((p) => [p, body.consents[p]])), at,
        });
      }
    });
    return c.json(await consentAnswer(deps, household.id), 200);
  })
  .get('/:householdId/corrections', allow({ roles: ['resident', 'committee', 'admin'], scope: 'household' }), async (c) => {
    return c.json({ corrections: await listCorrectionsOfHousehold(c.get('deps').db, c.req.param('householdId')) }, 200);
  })
  .post('/:householdId/corrections', allow({ roles: ['resident'], scope: 'household' }), jsonBody(correctionBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const household = await householdOf(deps, c.req.param('householdId'));
    const body = c.req.valid('json');
    const personId = body.personId ?? null;
    if (personId && !(await findPersonOfHousehold(deps.db, personId, household.id))) throw notFound('家庭成员不存在');
    // An ID number is never typed in: the village admin checks the card in person.
    const requested = fieldTakesValue(body.field) ? freeText(body.requested, CORRECTION_TEXT, body.field !== 'other') : '';
    const note = freeText(body.note, CORRECTION_NOTE, body.field === 'other' || body.field === 'idNumber');
    const townshipId = await townshipOf(deps, household.villageId);
    const id = uuidv7();
    await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      await insertCorrection(trx, { id, householdId: household.id, villageId: household.villageId, personId, field: body.field, requested, note, filedBy: user.id, at });
      await recordAudit(trx, { townshipId, villageId: household.villageId, actorId: user.id, action: 'correction.request', subjectKind: 'correction', subjectId: id, detail: { field: body.field }, at });
    });
    return c.json({ correction: await findCorrectionOfHousehold(deps.db, id, household.id) }, 201);
  })
  .post('/:householdId/corrections/:correctionId/resolution', allow({ roles: REVIEWERS, scope: 'household' }), jsonBody(resolutionBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const householdId = c.req.param('householdId');
    const found = await findCorrectionOfHousehold(deps.db, c.req.param('correctionId'), householdId);
    if (!found) throw notFound('更正申请不存在');
    const body = c.req.valid('json');
    const note = freeText(body.note, RESOLUTION_REASON_RULES, true);
    const townshipId = await townshipOf(deps, found.villageId);
    const ok = await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      if (!(await resolveCorrection(trx, found.id, { status: body.outcome, note, by: user.id, at }))) return false;
      await recordAudit(trx, { townshipId, villageId: found.villageId, actorId: user.id, action: `correction.${body.outcome}`, subjectKind: 'correction', subjectId: found.id, at });
      return true;
    });
    if (!ok) throw conflict('already_resolved', '该申请已处理');
    return c.json({ correction: await findCorrectionOfHousehold(deps.db, found.id, householdId) }, 200);
  })
  .post('/:householdId/resident-pin', allow({ roles: REVIEWERS, scope: 'household' }), jsonBody(pinBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const household = await householdOf(deps, c.req.param('householdId'));
    const body = c.req.valid('json');
    const person = await findPersonOfHousehold(deps.db, body.personId, household.id);
    if (!person) throw notFound('家庭成员不存在');
    await throttlePin(deps, user, person.id);
    if (person.isMinor) throw badRequest('minor_no_login', '未成年人不能单独登录，请为监护人设置PIN码');
    const phone = person.phone ? normalizePhone(person.phone) : null;
    if (!phone?.ok) throw badRequest('phone_required', '请先为该成员登记手机号');
    const problem = pinProblem(body.pin);
    if (problem) throw badRequest('weak_pin', problem);
    const existing = await findUserByPhone(deps.db, phone.value);
    if (existing && (existing.role !== 'resident' || existing.householdId !== household.id)) throw conflict('phone_taken', '该手机号已用于其他账号，请核对');
    const pinHash = await hashSecret(body.pin);
    const townshipId = await townshipOf(deps, household.villageId);
    const userId = existing?.id ?? uuidv7();
    await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      if (existing) {
        await setUserPin(trx, existing.id, pinHash);
        await revokeSessionsOfUser(trx, existing.id, at);
      } else {
        await insertUser(trx, {
          id: userId, username: null, displayName: `${household.householdNo}号户`, role: 'resident', townshipId: null,
          householdId: household.id, phone: phone.value, passwordHash: null, pinHash,
        }, at);
      }
      await recordAudit(trx, { townshipId, villageId: household.villageId, actorId: user.id, action: existing ? 'resident.pin_reset' : 'resident.pin_set', subjectKind: 'person', subjectId: person.id, at });
    });
    return c.json({ ok: true as const, reset: !!existing }, 200);
  })
  .post('/:householdId/qr-slips/:slipId/revoke', allow({ roles: REVIEWERS, scope: 'household' }), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const slip = await findQrSlipOfHousehold(deps.db, c.req.param('slipId'), c.req.param('householdId'));
    if (!slip) throw notFound('二维码不存在');
    const townshipId = await townshipOf(deps, slip.villageId);
    await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      await revokeQrSlip(trx, slip.id, user.id, at);
      await recordAudit(trx, { townshipId, villageId: slip.villageId, actorId: user.id, action: 'resident.qr_revoke', subjectKind: 'qr_slip', subjectId: slip.id, at });
    });
    return c.json({ ok: true as const }, 200);
  });

export const villageResidentRoutes = new Hono<AppEnv>()
  .get('/:villageId/qr-slips', allow({ roles: REVIEWERS, scope: 'village' }), async (c) => {
    return c.json({ slips: await listQrSlips(c.get('deps').db, c.req.param('villageId')) }, 200);
  })
  .post('/:villageId/qr-slips', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(slipsBody), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const villageId = c.req.param('villageId');
    const wanted = new Set(c.req.valid('json').householdIds);
    const households = (await listHouseholdsOfVillage(deps.db, villageId)).filter((h) => wanted.has(h.id));
    if (households.length !== wanted.size) throw notFound('户不存在或不在您的范围内');
    const townshipId = await townshipOf(deps, villageId);
    const slips = await writeTransaction(deps, async (trx) => {
      const at = deps.now().toISOString();
      const out: { slipId: string; householdId: string; householdNo: string; groupNo: number; path: string }[] = [];
      for (const h of households.sort((a, b) => (a.householdNo < b.householdNo ? -1 : 1))) {
        const userId = await findOrCreateQrUser(trx, { householdId: h.id, householdNo: h.householdNo }, at);
        const token = newQrToken();
        const slipId = uuidv7();
        await insertQrToken(trx, { id: slipId, householdId: h.id, villageId, userId, tokenHash: hashQrToken(token), createdBy: user.id, at });
        out.push({ slipId, householdId: h.id, householdNo: h.householdNo, groupNo: h.groupNo, path: qrSlipPath(token) });
      }
      await recordAudit(trx, { townshipId, villageId, actorId: user.id, action: 'resident.qr_issue', subjectKind: 'village', subjectId: villageId, rowCount: out.length, at });
      return out;
    });
    // The tokens are shown this once, for printing; the server keeps only their hashes.
    return c.json({ slips }, 201);
  })
  .get('/:villageId/corrections', allow({ roles: REVIEWERS, scope: 'village' }), queryParams(correctionsQuery), async (c) => {
    const status = c.req.valid('query').status ?? null;
    return c.json({ corrections: await listCorrectionsOfVillage(c.get('deps').db, c.req.param('villageId'), status) }, 200);
  });
