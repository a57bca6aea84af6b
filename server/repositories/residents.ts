// Residents (issue 9): household QR slips, resident PINs, correction requests, sealed ID numbers
// of a household's members, and session activity. One home for their SQL.
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import type { Role } from '../../shared/domain/roles';

// --- QR slips ---------------------------------------------------------------------------------

export interface QrSlipRow { id: string; householdId: string; householdNo: string; createdAt: string; revokedAt: string | null }

/** The household's QR account: a resident user without phone that its slips log in as. */
export async function findOrCreateQrUser(db: Queryable, h: { householdId: string; householdNo: string }, now: string): Promise<string> {
  const existing = await db.selectFrom('users').select('id')
    .where('household_id', '=', h.householdId).where('role', '=', 'resident').where('phone', 'is', null).where('username', 'is', null)
    .orderBy('created_at').limit(1).executeTakeFirst();
  if (existing) return existing.id;
  const id = uuidv7();
  await db.insertInto('users').values({
    id, username: null, display_name: `${h.householdNo}号户`, role: 'resident', township_id: null, household_id: h.householdId,
    phone: null, password_hash: null, pin_hash: null, created_at: now,
  }).execute();
  return id;
}

export async function insertQrToken(db: Queryable, t: { id: string; householdId: string; villageId: string; userId: string; tokenHash: string; createdBy: string; at: string }): Promise<void> {
  await db.insertInto('resident_qr_tokens').values({
    id: t.id, household_id: t.householdId, village_id: t.villageId, user_id: t.userId, token_hash: t.tokenHash,
    created_by: t.createdBy, created_at: t.at, revoked_by: null, revoked_at: null,
  }).execute();
}

export async function findQrToken(db: Queryable, tokenHash: string): Promise<{ id: string; userId: string; householdId: string; revokedAt: string | null } | null> {
  const r = await db.selectFrom('resident_qr_tokens').select(['id', 'user_id', 'household_id', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
  return r ? { id: r.id, userId: r.user_id, householdId: r.household_id, revokedAt: r.revoked_at } : null;
}

export async function findQrSlipOfHousehold(db: Queryable, slipId: string, householdId: string): Promise<{ id: string; villageId: string; revokedAt: string | null } | null> {
  const r = await db.selectFrom('resident_qr_tokens').select(['id', 'village_id', 'revoked_at'])
    .where('id', '=', slipId).where('household_id', '=', householdId).executeTakeFirst();
  return r ? { id: r.id, villageId: r.village_id, revokedAt: r.revoked_at } : null;
}

export async function listQrSlips(db: Queryable, villageId: string): Promise<QrSlipRow[]> {
  const rows = await db.selectFrom('resident_qr_tokens').innerJoin('households', 'households.id', 'resident_qr_tokens.household_id')
    .select(['resident_qr_tokens.id', 'resident_qr_tokens.household_id', 'households.household_no', 'resident_qr_tokens.created_at', 'resident_qr_tokens.revoked_at'])
    .where('resident_qr_tokens.village_id', '=', villageId)
    .orderBy('households.household_no').orderBy('resident_qr_tokens.created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, householdId: r.household_id, householdNo: r.household_no, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes the slip and ends every session it opened. */
export async function revokeQrSlip(db: Queryable, slipId: string, by: string, at: string): Promise<void> {
  await db.updateTable('resident_qr_tokens').set({ revoked_at: at, revoked_by: by }).where('id', '=', slipId).where('revoked_at', 'is', null).execute();
  await db.updateTable('sessions').set({ revoked_at: at }).where('qr_token_id', '=', slipId).where('revoked_at', 'is', null).execute();
}

// --- PINs ---------------------------------------------------------------------------------------

export async function findUserPhone(db: Queryable, userId: string): Promise<string | null> {
  const r = await db.selectFrom('users').select('phone').where('id', '=', userId).executeTakeFirst();
  return r?.phone ?? null;
}

export async function findUserByPhone(db: Queryable, phone: string): Promise<{ id: string; role: Role; householdId: string | null } | null> {
  const r = await db.selectFrom('users').select(['id', 'role', 'household_id']).where('phone', '=', phone).executeTakeFirst();
  return r ? { id: r.id, role: r.role as Role, householdId: r.household_id } : null;
}

export async function setUserPin(db: Queryable, userId: string, pinHash: string): Promise<void> {
  await db.updateTable('users').set({ pin_hash: pinHash, active: 1 }).where('id', '=', userId).execute();
}

/** A PIN reset ends the sessions opened with the old PIN. */
export async function revokeSessionsOfUser(db: Queryable, userId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

// --- sessions -----------------------------------------------------------------------------------

export async function findSessionActivity(db: Queryable, sessionId: string): Promise<{ createdAt: string; lastSeenAt: string | null } | null> {
  const r = await db.selectFrom('sessions').select(['created_at', 'last_seen_at']).where('id', '=', sessionId).executeTakeFirst();
  return r ? { createdAt: r.created_at, lastSeenAt: r.last_seen_at } : null;
}

export async function touchSession(db: Queryable, sessionId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
}

export async function markSessionQr(db: Queryable, sessionId: string, qrTokenId: string): Promise<void> {
  await db.updateTable('sessions').set({ qr_token_id: qrTokenId }).where('id', '=', sessionId).execute();
}

// --- members' sealed ID numbers -----------------------------------------------------------------

export async function listSealedIdsOfHousehold(db: Queryable, householdId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('persons').select(['id', 'id_cipher']).where('household_id', '=', householdId).where('id_cipher', 'is not', null).execute();
  return new Map(rows.filter((r) => r.id_cipher).map((r) => [r.id, r.id_cipher as string]));
}

export async function findPersonOfHousehold(db: Queryable, personId: string, householdId: string): Promise<{ id: string; phone: string | null; isMinor: boolean } | null> {
  const r = await db.selectFrom('persons').select(['id', 'phone', 'is_minor']).where('id', '=', personId).where('household_id', '=', householdId).where('deleted', '=', 0).executeTakeFirst();
  return r ? { id: r.id, phone: r.phone, isMinor: r.is_minor === 1 } : null;
}

export async function listMinorsOfHousehold(db: Queryable, householdId: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('persons').select(['id', 'name']).where('household_id', '=', householdId).where('is_minor', '=', 1).where('deleted', '=', 0).orderBy('name').execute();
}

/** The resident's own person in the household (by the login phone), if any. */
export async function findPersonByPhone(db: Queryable, householdId: string, phone: string | null): Promise<string | null> {
  if (!phone) return null;
  const r = await db.selectFrom('persons').select('id').where('household_id', '=', householdId).where('phone', '=', phone).where('deleted', '=', 0).executeTakeFirst();
  return r?.id ?? null;
}

/** Households of a village whose head is a minor (never on a public board, guardrail 5). */
export async function householdsWithMinorHead(db: Queryable, villageId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('persons').select('household_id')
    .where('village_id', '=', villageId).where('relation', '=', '户主').where('is_minor', '=', 1).where('deleted', '=', 0).execute();
  return new Set(rows.map((r) => r.household_id));
}

// --- correction requests ------------------------------------------------------------------------

export interface CorrectionRow {
  id: string; householdId: string; householdNo: string; villageId: string; personId: string | null; personName: string | null;
  field: string; requested: string; note: string; status: string; createdAt: string;
  resolvedAt: string | null; resolutionNote: string | null;
}

export async function insertCorrection(db: Queryable, r: {
  id: string; householdId: string; villageId: string; personId: string | null; field: string; requested: string; note: string; filedBy: string; at: string;
}): Promise<void> {
  await db.insertInto('correction_requests').values({
    id: r.id, household_id: r.householdId, village_id: r.villageId, person_id: r.personId, field: r.field, requested: r.requested,
    note: r.note, status: 'pending', filed_by: r.filedBy, created_at: r.at, resolved_by: null, resolved_at: null, resolution_note: null,
  }).execute();
}

function correctionQuery(db: Queryable) {
  return db.selectFrom('correction_requests')
    .innerJoin('households', 'households.id', 'correction_requests.household_id')
    .leftJoin('persons', 'persons.id', 'correction_requests.person_id')
    .select([
      'correction_requests.id', 'correction_requests.household_id', 'households.household_no', 'correction_requests.village_id',
      'correction_requests.person_id', 'persons.name as person_name', 'correction_requests.field', 'correction_requests.requested',
      'correction_requests.note', 'correction_requests.status', 'correction_requests.created_at', 'correction_requests.resolved_at',
      'correction_requests.resolution_note',
    ]);
}

type CorrectionSelect = Awaited<ReturnType<ReturnType<typeof correctionQuery>['execute']>>[number];
const toCorrection = (r: CorrectionSelect): CorrectionRow => ({
  id: r.id, householdId: r.household_id, householdNo: r.household_no, villageId: r.village_id, personId: r.person_id, personName: r.person_name ?? null,
  field: r.field, requested: r.requested, note: r.note, status: r.status, createdAt: r.created_at, resolvedAt: r.resolved_at, resolutionNote: r.resolution_note,
});

export async function listCorrectionsOfHousehold(db: Queryable, householdId: string): Promise<CorrectionRow[]> {
  return (await correctionQuery(db).where('correction_requests.household_id', '=', householdId).orderBy('correction_requests.created_at', 'desc').limit(200).execute()).map(toCorrection);
}

export async function listCorrectionsOfVillage(db: Queryable, villageId: string, status: string | null): Promise<CorrectionRow[]> {
  let q = correctionQuery(db).where('correction_requests.village_id', '=', villageId);
  if (status) q = q.where('correction_requests.status', '=', status);
  return (await q.orderBy('correction_requests.created_at').limit(500).execute()).map(toCorrection);
}

export async function findCorrectionOfHousehold(db: Queryable, id: string, householdId: string): Promise<CorrectionRow | null> {
  const r = await correctionQuery(db).where('correction_requests.id', '=', id).where('correction_requests.household_id', '=', householdId).executeTakeFirst();
  return r ? toCorrection(r) : null;
}

/** Resolves a pending request; false when it was already resolved. */
export async function resolveCorrection(db: Queryable, id: string, r: { status: 'done' | 'refused'; note: string; by: string; at: string }): Promise<boolean> {
  const res = await db.updateTable('correction_requests').set({ status: r.status, resolution_note: r.note, resolved_by: r.by, resolved_at: r.at })
    .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Entries of the household in public notice, with the end of their notice's objection window. */
export async function listNoticeDeadlinesOfHousehold(db: Queryable, householdId: string): Promise<{ entryId: string; noticeId: string; endsAt: string }[]> {
  const rows = await db.selectFrom('entries').innerJoin('notices', 'notices.id', 'entries.notice_id')
    .select(['entries.id', 'notices.id as notice_id', 'notices.ends_at'])
    .where('entries.household_id', '=', householdId).where('entries.state', 'in', ['publicized', 'objected']).execute();
  return rows.map((r) => ({ entryId: r.id, noticeId: r.notice_id, endsAt: r.ends_at }));
}
