// SQL of the credit ledger (issue 7): kinds, grade rules, perks, the review of credit records,
// evaluation rounds, sample checks, objections and repair requests. Never reads or writes
// moral-points tables (guardrail 1). Free functions taking a db or transaction first.
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import { bool } from './queryable';
import { DEFAULT_CREDIT_KINDS, type CreditKindRow, type CreditSource } from '../../shared/domain/credit';
import { DEFAULT_GRADE_RULES, type GradeRules, type Perk, type RatedGrade } from '../../shared/domain/credit-grade';

// ---- kinds ---------------------------------------------------------------------------------

export type { CreditKindRow } from '../../shared/domain/credit';
export { DEFAULT_CREDIT_KINDS };

export async function listCreditKinds(db: Queryable, townshipId: string): Promise<CreditKindRow[]> {
  const rows = await db.selectFrom('credit_kinds').selectAll().where('township_id', '=', townshipId).orderBy('sort').orderBy('code').execute();
  if (rows.length === 0) return DEFAULT_CREDIT_KINDS;
  return rows.map((r) => ({
    code: r.code, nameZh: r.name_zh, nameEn: r.name_en, negative: bool(r.negative), documentRequired: bool(r.document_required),
    sources: r.sources.split(',').filter(Boolean) as CreditSource[], active: bool(r.active), sort: r.sort,
  }));
}

/** The township's first own change writes the defaults it starts from. */
async function materializeKinds(trx: Queryable, townshipId: string, now: string): Promise<void> {
  const any = await trx.selectFrom('credit_kinds').select('id').where('township_id', '=', townshipId).limit(1).executeTakeFirst();
  if (any) return;
  await trx.insertInto('credit_kinds').values(DEFAULT_CREDIT_KINDS.map((k) => kindValues(townshipId, k, now))).execute();
}

const kindValues = (townshipId: string, k: CreditKindRow, now: string) => ({
  id: uuidv7(), township_id: townshipId, code: k.code, name_zh: k.nameZh, name_en: k.nameEn, negative: k.negative ? 1 : 0,
  document_required: k.documentRequired ? 1 : 0, sources: k.sources.join(','), active: k.active ? 1 : 0, sort: k.sort, created_at: now,
});

/** Adds a kind or changes one (by code). A kind is never deleted (records name it); it is deactivated. */
export async function upsertCreditKind(trx: Queryable, townshipId: string, k: CreditKindRow, now: string): Promise<void> {
  await materializeKinds(trx, townshipId, now);
  const found = await trx.selectFrom('credit_kinds').select('id').where('township_id', '=', townshipId).where('code', '=', k.code).executeTakeFirst();
  const v = kindValues(townshipId, k, now);
  if (!found) {
    await trx.insertInto('credit_kinds').values(v).execute();
    return;
  }
  await trx.updateTable('credit_kinds').set({
    name_zh: v.name_zh, name_en: v.name_en, negative: v.negative, document_required: v.document_required, sources: v.sources, active: v.active, sort: v.sort,
  }).where('township_id', '=', townshipId).where('id', '=', found.id).execute();
}

/** Ids of the township's own kind rows (the pull logs them after a change: entity creditKind). */
export async function creditKindIds(db: Queryable, townshipId: string): Promise<string[]> {
  return (await db.selectFrom('credit_kinds').select('id').where('township_id', '=', townshipId).orderBy('id').execute()).map((r) => r.id);
}

/** Rows for the pull (the phone's CreditKindDto), by id. */
export async function creditKindsByIds(db: Queryable, ids: readonly string[]) {
  const rows = await db.selectFrom('credit_kinds').selectAll().where('id', 'in', ids).execute();
  return rows.map((r) => ({
    id: r.id, townshipId: r.township_id, code: r.code, nameZh: r.name_zh, nameEn: r.name_en, negative: bool(r.negative),
    documentRequired: bool(r.document_required), sources: r.sources.split(',').filter(Boolean), active: bool(r.active), sort: r.sort,
  }));
}

// ---- grade rules (versioned like the catalogue) ------------------------------------------------

export interface GradeRulesVersion { id: string | null; version: number; effectiveFrom: string; rules: GradeRules; note: string; createdAt: string | null }

export const DEFAULT_RULES_VERSION: GradeRulesVersion = { id: null, version: 0, effectiveFrom: '2000-01-01', rules: DEFAULT_GRADE_RULES, note: '默认规则', createdAt: null };

export async function listGradeRules(db: Queryable, townshipId: string): Promise<GradeRulesVersion[]> {
  const rows = await db.selectFrom('credit_grade_rules').selectAll().where('township_id', '=', townshipId).orderBy('version', 'desc').execute();
  return rows.map((r) => ({ id: r.id, version: r.version, effectiveFrom: r.effective_from, rules: JSON.parse(r.rules) as GradeRules, note: r.note, createdAt: r.created_at }));
}

/** The version in force on a day: the newest with effective_from ≤ day, else the defaults. */
export async function gradeRulesOn(db: Queryable, townshipId: string, day: string): Promise<GradeRulesVersion> {
  const all = await listGradeRules(db, townshipId);
  return all.find((v) => v.effectiveFrom <= day) ?? DEFAULT_RULES_VERSION;
}

export async function insertGradeRules(trx: Queryable, townshipId: string, v: { effectiveFrom: string; rules: GradeRules; note: string; by: string; now: string }): Promise<number> {
  const last = await trx.selectFrom('credit_grade_rules').select('version').where('township_id', '=', townshipId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  const version = (last?.version ?? 0) + 1;
  await trx.insertInto('credit_grade_rules').values({
    id: uuidv7(), township_id: townshipId, version, effective_from: v.effectiveFrom, rules: JSON.stringify(v.rules), note: v.note, created_by: v.by, created_at: v.now,
  }).execute();
  return version;
}

// ---- perks (信易+) ---------------------------------------------------------------------------

export const DEFAULT_PERKS: Omit<Perk, 'id'>[] = [
  { minGrade: 'AAA', name: '信用贷款最高20万元', provider: '农村商业银行', conditions: '免担保，利率优惠，按银行审批', active: true },
  { minGrade: 'AA', name: '住院押金减免最高3万元', provider: '区人民医院', conditions: '凭信用户证明办理', active: true },
  { minGrade: 'AA', name: '景区门票免费', provider: '文旅局合作景区', conditions: '本人及同住家庭成员', active: true },
  { minGrade: 'A', name: '健康体检六折', provider: '镇卫生院', conditions: '每年一次', active: true },
];

const perkRow = (r: { id: string; min_grade: string; name: string; provider: string; conditions: string; active: number }): Perk => ({
  id: r.id, minGrade: r.min_grade as RatedGrade, name: r.name, provider: r.provider, conditions: r.conditions, active: bool(r.active),
});

export async function listPerks(db: Queryable, townshipId: string): Promise<Perk[]> {
  const rows = await db.selectFrom('credit_perks').selectAll().where('township_id', '=', townshipId).orderBy('sort').orderBy('id').execute();
  if (rows.length) return rows.map(perkRow);
  return DEFAULT_PERKS.map((p, i) => ({ ...p, id: `default-${i + 1}` }));
}

export async function upsertPerk(trx: Queryable, townshipId: string, p: Omit<Perk, 'id'> & { id?: string }, now: string): Promise<string> {
  const any = await trx.selectFrom('credit_perks').select('id').where('township_id', '=', townshipId).limit(1).executeTakeFirst();
  const ids = new Map<string, string>();
  if (!any) {
    for (const [i, d] of DEFAULT_PERKS.entries()) {
      const id = uuidv7();
      ids.set(`default-${i + 1}`, id);
      await trx.insertInto('credit_perks').values({ id, township_id: townshipId, min_grade: d.minGrade, name: d.name, provider: d.provider, conditions: d.conditions, active: 1, sort: (i + 1) * 10, created_at: now, updated_at: now }).execute();
    }
  }
  const id = p.id ? ids.get(p.id) ?? p.id : undefined;
  if (id) {
    const r = await trx.updateTable('credit_perks').set({ min_grade: p.minGrade, name: p.name, provider: p.provider, conditions: p.conditions, active: p.active ? 1 : 0, updated_at: now })
      .where('township_id', '=', townshipId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return id;
  }
  const newId = uuidv7();
  await trx.insertInto('credit_perks').values({ id: newId, township_id: townshipId, min_grade: p.minGrade, name: p.name, provider: p.provider, conditions: p.conditions, active: p.active ? 1 : 0, sort: 100, created_at: now, updated_at: now }).execute();
  return newId;
}

// ---- credit records ----------------------------------------------------------------------------
// Recorded on phones (credit.create, server/sync/apply-credit.ts) or at the office, reviewed by the
// committee; the same rows, the same functions. Reads are by primary key or by an index of
// migrations/0008_credit_records.ts / 0013_credit_ledger.ts.

export interface CreditRecordRow {
  id: string; villageId: string; householdId: string; personId: string | null; kind: string; source: string; occurredOn: string;
  documentNo: string; issuer: string; note: string; state: string; stateReason: string; reverses: string | null; repairedOn: string | null;
  recorderId: string; contentHash: string; createdAt: string; householdNo: string; headName: string;
}

function recordQuery(db: Queryable) {
  return db.selectFrom('credit_records as r').innerJoin('households as h', 'h.id', 'r.household_id').select([
    'r.id', 'r.village_id', 'r.household_id', 'r.person_id', 'r.kind', 'r.source', 'r.occurred_on', 'r.document_no', 'r.issuer', 'r.note',
    'r.state', 'r.state_reason', 'r.reverses', 'r.repaired_on', 'r.recorder_id', 'r.content_hash', 'r.created_at', 'h.household_no', 'h.head_name',
  ]);
}
type RecordSel = Awaited<ReturnType<ReturnType<typeof recordQuery>['executeTakeFirstOrThrow']>>;
const toRecord = (r: RecordSel): CreditRecordRow => ({
  id: r.id, villageId: r.village_id, householdId: r.household_id, personId: r.person_id, kind: r.kind, source: r.source, occurredOn: r.occurred_on,
  documentNo: r.document_no, issuer: r.issuer, note: r.note, state: r.state, stateReason: r.state_reason, reverses: r.reverses, repairedOn: r.repaired_on,
  recorderId: r.recorder_id, contentHash: r.content_hash, createdAt: r.created_at, householdNo: r.household_no, headName: r.head_name,
});

export async function findCreditRecordRow(db: Queryable, id: string): Promise<CreditRecordRow | null> {
  const r = await recordQuery(db).where('r.id', '=', id).executeTakeFirst();
  return r ? toRecord(r) : null;
}

export async function listVillageCreditRecords(db: Queryable, villageId: string, states: readonly string[] | null, limit: number): Promise<CreditRecordRow[]> {
  let q = recordQuery(db).where('r.village_id', '=', villageId);
  if (states) q = q.where('r.state', 'in', states);
  return (await q.orderBy('r.created_at').orderBy('r.id').limit(limit).execute()).map(toRecord);
}

export async function listHouseholdCreditRecords(db: Queryable, villageId: string, householdId: string): Promise<CreditRecordRow[]> {
  return (await recordQuery(db).where('r.village_id', '=', villageId).where('r.household_id', '=', householdId)
    .orderBy('r.occurred_on', 'desc').orderBy('r.id').execute()).map(toRecord);
}

export interface NewCreditRecord {
  id: string; villageId: string; householdId: string; personId: string | null; kind: string; source: string; occurredOn: string;
  documentNo: string; issuer: string; note: string; reverses: string | null; recorderId: string; contentHash: string;
  /** The phone's device id, or 'office' for a record entered at the office. */
  deviceId: string; clientCreatedAt: string; now: string;
}

/** A new record, state submitted (from a phone's credit.create or entered at the office). */
export async function insertCreditRecord(trx: Queryable, r: NewCreditRecord): Promise<void> {
  await trx.insertInto('credit_records').values({
    id: r.id, village_id: r.villageId, household_id: r.householdId, person_id: r.personId, kind: r.kind, source: r.source, occurred_on: r.occurredOn,
    document_no: r.documentNo, issuer: r.issuer, note: r.note, state: 'submitted', reverses: r.reverses, recorder_id: r.recorderId,
    device_id: r.deviceId, content_hash: r.contentHash, client_created_at: r.clientCreatedAt, created_at: r.now, updated_at: r.now,
  }).execute();
}

/** Moves a record between states (false when it was no longer in `from`). */
export async function moveCreditRecord(trx: Queryable, villageId: string, id: string, from: string, to: string, reason: string, now: string): Promise<boolean> {
  const r = await trx.updateTable('credit_records').set({ state: to, state_reason: reason, updated_at: now })
    .where('village_id', '=', villageId).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The issuing court or office named at approval (a negative record's legal basis). */
export async function setCreditIssuer(trx: Queryable, villageId: string, id: string, issuer: string): Promise<void> {
  await trx.updateTable('credit_records').set({ issuer }).where('village_id', '=', villageId).where('id', '=', id).execute();
}

/** A reversing record of `id` still awaiting review, if any. */
export async function findPendingReversal(db: Queryable, villageId: string, id: string): Promise<string | null> {
  const r = await db.selectFrom('credit_records').select('id').where('village_id', '=', villageId).where('reverses', '=', id).where('state', '=', 'submitted').executeTakeFirst();
  return r?.id ?? null;
}

export async function setRepaired(trx: Queryable, villageId: string, id: string, on: string, now: string): Promise<void> {
  await trx.updateTable('credit_records').set({ repaired_on: on, updated_at: now }).where('village_id', '=', villageId).where('id', '=', id).execute();
}

export async function addCreditEvent(trx: Queryable, e: { recordId: string; villageId: string; from: string | null; to: string; actorId: string; reason: string; at: string }): Promise<void> {
  await trx.insertInto('credit_record_events').values({
    id: uuidv7(), record_id: e.recordId, village_id: e.villageId, from_state: e.from, to_state: e.to, actor_id: e.actorId, reason: e.reason, at: e.at,
  }).execute();
}

export interface CreditEventRow { recordId: string; fromState: string | null; toState: string; actorId: string; reason: string; at: string }

export async function listCreditEvents(db: Queryable, villageId: string, recordIds: readonly string[]): Promise<CreditEventRow[]> {
  if (recordIds.length === 0) return [];
  const rows = await db.selectFrom('credit_record_events').select(['record_id', 'from_state', 'to_state', 'actor_id', 'reason', 'at'])
    .where('village_id', '=', villageId).where('record_id', 'in', recordIds).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({ recordId: r.record_id, fromState: r.from_state, toState: r.to_state, actorId: r.actor_id, reason: r.reason, at: r.at }));
}

/** The persons credit records are about, with the sealed ID number (masked by the caller, never sent). */
export async function creditSubjects(db: Queryable, villageId: string, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('persons').select(['id', 'household_id', 'name', 'id_last4', 'id_cipher'])
    .where('village_id', '=', villageId).where('id', 'in', [...new Set(personIds)]).execute();
}

/** The household a person of the village belongs to (office entry checks it), or null. */
export async function personHouseholdOf(db: Queryable, villageId: string, personId: string): Promise<string | null> {
  return (await db.selectFrom('persons').select('household_id').where('village_id', '=', villageId).where('id', '=', personId).executeTakeFirst())?.household_id ?? null;
}

/** Rows for the pull (the phone's CreditRecordDto), by id. */
export async function creditRecordsByIds(db: Queryable, ids: readonly string[]) {
  return db.selectFrom('credit_records')
    .select(['id', 'village_id', 'household_id', 'person_id', 'kind', 'source', 'occurred_on', 'document_no', 'issuer', 'note', 'recorder_id', 'state', 'state_reason', 'created_at'])
    .where('id', 'in', ids).execute();
}

/** Kind codes negative in any township (or by default): the retention job's candidates. */
export async function negativeKindCodes(db: Queryable): Promise<string[]> {
  const rows = await db.selectFrom('credit_kinds').select('code').distinct().where('negative', '=', 1).execute();
  return [...new Set([...DEFAULT_CREDIT_KINDS.filter((k) => k.negative).map((k) => k.code), ...rows.map((r) => r.code)])];
}

/** Records of these kinds dated on or before a day (retention candidates), with their township, oldest first. */
export async function listCreditRecordsOnOrBefore(db: Queryable, day: string, kinds: readonly string[], limit: number) {
  if (kinds.length === 0) return [];
  return db.selectFrom('credit_records as r').innerJoin('villages as v', 'v.id', 'r.village_id')
    .select(['r.id', 'r.village_id', 'r.kind', 'r.occurred_on', 'v.township_id'])
    .where('r.occurred_on', '<=', day).where('r.kind', 'in', kinds).orderBy('r.occurred_on').orderBy('r.id').limit(limit).execute();
}

/** Removes a record past retention with everything naming it (guardrail 8). */
export async function purgeCreditRecord(trx: Queryable, villageId: string, id: string): Promise<void> {
  await trx.deleteFrom('credit_requests').where('village_id', '=', villageId).where('record_id', '=', id).execute();
  await trx.deleteFrom('credit_record_events').where('village_id', '=', villageId).where('record_id', '=', id).execute();
  await trx.updateTable('credit_records').set({ reverses: null }).where('village_id', '=', villageId).where('reverses', '=', id).execute();
  await trx.deleteFrom('credit_records').where('village_id', '=', villageId).where('id', '=', id).execute();
}

// ---- evaluation rounds -------------------------------------------------------------------------

export interface RoundRow {
  id: string; villageId: string; periodLabel: string; status: string; createdBy: string; createdAt: string;
  postedAt: string | null; objectionEndsAt: string | null; fixedAt: string | null; sampleShare: number | null;
}
const toRound = (r: { id: string; village_id: string; period_label: string; status: string; created_by: string; created_at: string; posted_at: string | null; objection_ends_at: string | null; fixed_at: string | null; sample_share: number | null }): RoundRow => ({
  id: r.id, villageId: r.village_id, periodLabel: r.period_label, status: r.status, createdBy: r.created_by, createdAt: r.created_at,
  postedAt: r.posted_at, objectionEndsAt: r.objection_ends_at, fixedAt: r.fixed_at, sampleShare: r.sample_share === null ? null : Number(r.sample_share),
});

export async function findRound(db: Queryable, id: string): Promise<RoundRow | null> {
  const r = await db.selectFrom('credit_rounds').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRound(r) : null;
}

export async function listRounds(db: Queryable, villageIds: readonly string[]): Promise<RoundRow[]> {
  if (villageIds.length === 0) return [];
  return (await db.selectFrom('credit_rounds').selectAll().where('village_id', 'in', villageIds).orderBy('created_at', 'desc').limit(200).execute()).map(toRound);
}

export async function insertRound(trx: Queryable, r: { id: string; villageId: string; periodLabel: string; by: string; now: string }): Promise<void> {
  await trx.insertInto('credit_rounds').values({ id: r.id, village_id: r.villageId, period_label: r.periodLabel, status: 'rating', created_by: r.by, created_at: r.now, posted_at: null, objection_ends_at: null, fixed_at: null, sample_share: null }).execute();
}

export async function updateRound(trx: Queryable, villageId: string, id: string, from: string, set: { status?: string; posted_at?: string; objection_ends_at?: string; fixed_at?: string; sample_share?: number }): Promise<boolean> {
  const r = await trx.updateTable('credit_rounds').set(set).where('village_id', '=', villageId).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface RatingRow { householdId: string; raterId: string; grade: string | null; unknownReason: string | null }

export async function listRatings(db: Queryable, villageId: string, roundId: string): Promise<RatingRow[]> {
  const rows = await db.selectFrom('credit_ratings').select(['household_id', 'rater_id', 'grade', 'unknown_reason'])
    .where('village_id', '=', villageId).where('round_id', '=', roundId).orderBy('household_id').orderBy('rater_id').execute();
  return rows.map((r) => ({ householdId: r.household_id, raterId: r.rater_id, grade: r.grade, unknownReason: r.unknown_reason }));
}

export async function insertRatings(trx: Queryable, villageId: string, roundId: string, raterId: string, ratings: readonly { householdId: string; grade: string | null; unknownReason: string | null }[], now: string): Promise<void> {
  if (ratings.length === 0) return;
  await trx.insertInto('credit_ratings').values(ratings.map((r) => ({
    id: uuidv7(), round_id: roundId, village_id: villageId, household_id: r.householdId, rater_id: raterId, grade: r.grade, unknown_reason: r.unknownReason, created_at: now,
  }))).execute();
}

export interface RoundResultRow { householdId: string; grade: string; flagged: boolean; resolutionNote: string; decidedBy: string | null }

export async function listRoundResults(db: Queryable, villageId: string, roundId: string): Promise<RoundResultRow[]> {
  const rows = await db.selectFrom('credit_round_results').selectAll().where('village_id', '=', villageId).where('round_id', '=', roundId).execute();
  return rows.map((r) => ({ householdId: r.household_id, grade: r.grade, flagged: bool(r.flagged), resolutionNote: r.resolution_note, decidedBy: r.decided_by }));
}

export async function upsertRoundResult(trx: Queryable, villageId: string, roundId: string, r: { householdId: string; grade: string; flagged: boolean; note: string; by: string | null; now: string }): Promise<void> {
  await trx.insertInto('credit_round_results').values({
    round_id: roundId, household_id: r.householdId, village_id: villageId, grade: r.grade, flagged: r.flagged ? 1 : 0, resolution_note: r.note, decided_by: r.by, created_at: r.now,
  }).onConflict((oc) => oc.columns(['round_id', 'household_id']).doUpdateSet({ grade: r.grade, resolution_note: r.note, decided_by: r.by })).execute();
}

/** The household's result in the village's latest fixed round, if any. */
export async function latestFixedResult(db: Queryable, villageId: string, householdId: string): Promise<{ grade: string; periodLabel: string; roundId: string } | null> {
  const r = await db.selectFrom('credit_round_results as x').innerJoin('credit_rounds as r', 'r.id', 'x.round_id')
    .select(['x.grade', 'r.period_label', 'r.id']).where('x.village_id', '=', villageId).where('r.village_id', '=', villageId)
    .where('x.household_id', '=', householdId).where('r.status', '=', 'fixed').orderBy('r.fixed_at', 'desc').limit(1).executeTakeFirst();
  return r ? { grade: r.grade, periodLabel: r.period_label, roundId: r.id } : null;
}

/** The village's posted rounds with this household's result (the objection window is open). */
export async function postedResultsOf(db: Queryable, villageId: string, householdId: string) {
  return db.selectFrom('credit_round_results as x').innerJoin('credit_rounds as r', 'r.id', 'x.round_id')
    .select(['r.id', 'r.period_label', 'r.objection_ends_at', 'x.grade']).where('x.village_id', '=', villageId).where('r.village_id', '=', villageId)
    .where('x.household_id', '=', householdId).where('r.status', '=', 'posted').execute();
}

export async function listSampleChecks(db: Queryable, villageId: string, roundId: string) {
  const rows = await db.selectFrom('credit_sample_checks').selectAll().where('village_id', '=', villageId).where('round_id', '=', roundId).orderBy('household_id').execute();
  return rows.map((r) => ({ householdId: r.household_id, grade: r.grade, agrees: r.agrees === null ? null : bool(r.agrees), note: r.note, checkedBy: r.checked_by, checkedAt: r.checked_at }));
}

export async function insertSample(trx: Queryable, villageId: string, roundId: string, householdIds: readonly string[]): Promise<void> {
  if (householdIds.length === 0) return;
  await trx.insertInto('credit_sample_checks').values(householdIds.map((h) => ({
    round_id: roundId, household_id: h, village_id: villageId, grade: null, agrees: null, note: '', checked_by: null, checked_at: null,
  }))).execute();
}

export async function recordSampleCheck(trx: Queryable, villageId: string, roundId: string, c: { householdId: string; grade: string; agrees: boolean; note: string; by: string; at: string }): Promise<boolean> {
  const r = await trx.updateTable('credit_sample_checks').set({ grade: c.grade, agrees: c.agrees ? 1 : 0, note: c.note, checked_by: c.by, checked_at: c.at })
    .where('village_id', '=', villageId).where('round_id', '=', roundId).where('household_id', '=', c.householdId).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Active households of a village (the rating sheet). */
export async function villageHouseholds(db: Queryable, villageId: string) {
  return db.selectFrom('households').select(['id', 'household_no', 'head_name']).where('village_id', '=', villageId).where('deleted', '=', 0)
    .where('status', '=', 'active').orderBy('household_no').orderBy('id').execute();
}

// ---- requests: objections and repair ----------------------------------------------------------

export interface CreditRequestRow {
  id: string; kind: string; villageId: string; householdId: string; recordId: string | null; roundId: string | null; grounds: string;
  status: string; resolution: string; filedBy: string; createdAt: string; resolvedBy: string | null; resolvedAt: string | null;
}
const toRequest = (r: { id: string; kind: string; village_id: string; household_id: string; record_id: string | null; round_id: string | null; grounds: string; status: string; resolution: string; filed_by: string; created_at: string; resolved_by: string | null; resolved_at: string | null }): CreditRequestRow => ({
  id: r.id, kind: r.kind, villageId: r.village_id, householdId: r.household_id, recordId: r.record_id, roundId: r.round_id, grounds: r.grounds,
  status: r.status, resolution: r.resolution, filedBy: r.filed_by, createdAt: r.created_at, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at,
});

export async function insertCreditRequest(trx: Queryable, r: Omit<CreditRequestRow, 'status' | 'resolution' | 'resolvedBy' | 'resolvedAt'>): Promise<void> {
  await trx.insertInto('credit_requests').values({
    id: r.id, kind: r.kind, village_id: r.villageId, household_id: r.householdId, record_id: r.recordId, round_id: r.roundId, grounds: r.grounds,
    status: 'pending', filed_by: r.filedBy, created_at: r.createdAt, resolved_by: null, resolved_at: null,
  }).execute();
}

export async function findCreditRequest(db: Queryable, villageId: string, id: string): Promise<CreditRequestRow | null> {
  const r = await db.selectFrom('credit_requests').selectAll().where('village_id', '=', villageId).where('id', '=', id).executeTakeFirst();
  return r ? toRequest(r) : null;
}

export async function listCreditRequests(db: Queryable, villageId: string, f: { householdId?: string; status?: string; roundId?: string }): Promise<CreditRequestRow[]> {
  let q = db.selectFrom('credit_requests').selectAll().where('village_id', '=', villageId);
  if (f.householdId) q = q.where('household_id', '=', f.householdId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.roundId) q = q.where('round_id', '=', f.roundId);
  return (await q.orderBy('created_at').orderBy('id').limit(500).execute()).map(toRequest);
}

export async function resolveCreditRequest(trx: Queryable, villageId: string, id: string, status: string, resolution: string, by: string, at: string): Promise<boolean> {
  const r = await trx.updateTable('credit_requests').set({ status, resolution, resolved_by: by, resolved_at: at })
    .where('village_id', '=', villageId).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findCreditRecordVillageId(db: Queryable, id: string): Promise<string | null> {
  return (await db.selectFrom('credit_records').select('village_id').where('id', '=', id).executeTakeFirst())?.village_id ?? null;
}
export async function findRoundVillageId(db: Queryable, id: string): Promise<string | null> {
  return (await db.selectFrom('credit_rounds').select('village_id').where('id', '=', id).executeTakeFirst())?.village_id ?? null;
}
