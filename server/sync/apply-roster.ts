// Roster edits made in the field (issue 13): household.create, person.create, person.remove and
// person.move, plus the ID number carried by person.update. Each runs in its own savepoint like
// household.update, checks the village scope (another village: per-item `forbidden`), validates
// with the shared rules, and logs the change so every phone of the village pulls it.
import type {
  HouseholdCreatePayload, PersonCreatePayload, PersonMovePayload, PersonRemovePayload,
} from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { normalizeName } from '../../shared/validation/name';
import { canWriteVillage } from '../access/scope';
import { conflictItem, forbiddenItem, rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import { applyFieldEdit, normalizeOptionalPhone, type EditableEntity } from './apply-field-edit';
import * as repo from '../repositories/roster';
import { applyHouseholdsAdded } from '../repositories/tallies';
import type { PreparedId } from './sealed-id';

const HOUSEHOLD_OUT_OF_SCOPE = '该户不存在或不在您负责的村';
const PERSON_OUT_OF_SCOPE = '该村民不存在或不在您负责的村';

/** 户号: digits, letters and '-' (full-width typed ones normalised), at most 20. */
export function normalizeHouseholdNo(raw: string): string {
  const v = raw.normalize('NFKC').trim();
  if (!/^[0-9A-Za-z-]{1,20}$/.test(v)) throw rejected('invalid_field', '户号：只能包含数字、字母和“-”，不超过20位');
  return v;
}

/**
 * The next free number after the village's highest numeric one, as wide as the proposed one:
 * two phones that both created "0124" offline both keep their household.
 */
export function nextFreeHouseholdNo(taken: readonly string[], proposed: string): string {
  const used = new Set(taken);
  let max = 0;
  for (const no of taken) if (/^\d+$/.test(no)) max = Math.max(max, Number(no));
  const width = /^\d+$/.test(proposed) ? proposed.length : 4;
  let n = max + 1;
  while (used.has(String(n).padStart(width, '0'))) n++;
  return String(n).padStart(width, '0');
}

function personName(raw: string): string {
  const name = normalizeName(raw);
  if (!name.ok) throw rejected('invalid_field', `姓名：${name.message}`);
  return name.value;
}

function relationLabel(raw: string): string {
  const relation = normalizeName(raw);
  if (!relation.ok || relation.value.length > 20) throw rejected('invalid_field', '与户主关系：请输入有效的关系（不超过20个字）');
  return relation.value;
}

function checkBirthYear(year: number | null, now: Date): void {
  if (year !== null && year > now.getUTCFullYear()) throw rejected('invalid_field', '出生年份不能晚于今年');
}

/** The stored form of the mutation's ID number (prepared before the transaction), or its refusal. */
function storedIdOrRefuse(prepared: PreparedId | null): repo.StoredId | null {
  if (prepared === null) return null;
  if (!prepared.ok) throw rejected(prepared.code, prepared.message);
  return { idHash: prepared.idHash, idLast4: prepared.idLast4, idCipher: prepared.idCipher };
}

export async function applyHouseholdCreate(ctx: ApplyContext, p: HouseholdCreatePayload): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  if (!canWriteVillage(user, p.villageId)) throw forbiddenItem('out_of_scope', '该村不在您负责的范围内');
  const existing = await repo.findHouseholdBrief(trx, dialect, p.householdId);
  if (existing) {
    // Re-sent under another mutation id (an imported export, a reinstall): the same household is a duplicate.
    if (existing.villageId === p.villageId && !existing.deleted) return { outcome: { status: 'duplicate' }, entityId: p.householdId };
    throw conflictItem('id_reused', '该户编号已被使用');
  }
  const headName = personName(p.headName);
  const phone = normalizeOptionalPhone(p.phone);
  const proposed = normalizeHouseholdNo(p.householdNo);
  const taken = await repo.householdNoTaken(trx, p.villageId, proposed);
  const householdNo = taken ? nextFreeHouseholdNo(await repo.householdNosOf(trx, p.villageId), proposed) : proposed;
  await repo.insertHousehold(trx, { id: p.householdId, villageId: p.villageId, householdNo, groupNo: p.groupNo, headName, phone, now: ctx.nowIso });
  // The village's ranking figures count its households (a new one stands at the base).
  await applyHouseholdsAdded(trx, [p.villageId]);
  ctx.logChange(scopeOfVillage(p.villageId), 'household', p.householdId);
  ctx.afterItem(() => ctx.cache.forget('household', p.householdId));
  const outcome = taken
    ? { status: 'applied' as const, code: 'household_no_reassigned', message: `户号 ${proposed} 已被使用，已改为 ${householdNo}` }
    : { status: 'applied' as const };
  return { outcome, entityId: p.householdId };
}

export async function applyPersonCreate(ctx: ApplyContext, p: PersonCreatePayload, prepared: PreparedId | null): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const household = await repo.findHouseholdBrief(trx, dialect, p.householdId);
  if (!household || household.deleted || !canWriteVillage(user, household.villageId)) throw forbiddenItem('out_of_scope', HOUSEHOLD_OUT_OF_SCOPE);
  const existing = await repo.findPersonBrief(trx, dialect, p.personId);
  if (existing) {
    if (existing.householdId === p.householdId && !existing.deleted) return { outcome: { status: 'duplicate' }, entityId: p.personId };
    throw conflictItem('id_reused', '该村民编号已被使用');
  }
  const name = personName(p.name);
  const relation = relationLabel(p.relation);
  checkBirthYear(p.birthYear, ctx.now);
  const phone = normalizeOptionalPhone(p.phone);
  const storedId = storedIdOrRefuse(prepared);
  // The ID number's birth date is the better source for the year when both are given.
  const birthYear = p.birthYear ?? (prepared?.ok ? prepared.birthYear : null);
  const isMinor = birthYear !== null && ctx.now.getUTCFullYear() - birthYear < 18;
  await repo.insertPerson(trx, {
    id: p.personId, householdId: p.householdId, villageId: household.villageId, name, relation, birthYear, isMinor, phone, storedId, now: ctx.nowIso,
  });
  ctx.logChange(scopeOfVillage(household.villageId), 'person', p.personId);
  ctx.afterItem(() => ctx.cache.forget('person', p.personId));
  return { outcome: { status: 'applied' }, entityId: p.personId };
}

export async function applyPersonRemove(ctx: ApplyContext, p: PersonRemovePayload): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const person = await repo.findPersonBrief(trx, dialect, p.personId);
  if (!person || !canWriteVillage(user, person.villageId)) throw forbiddenItem('out_of_scope', PERSON_OUT_OF_SCOPE);
  // Removed already (by this or another phone): nothing more to do, and nothing is lost.
  if (person.deleted) return { outcome: { status: 'duplicate' }, entityId: p.personId };
  await repo.markPersonRemoved(trx, person.id, person.version + 1, ctx.nowIso);
  // The pull finds the row gone and sends a tombstone (pull.ts buildPage).
  ctx.logChange(scopeOfVillage(person.villageId), 'person', person.id);
  ctx.afterItem(() => ctx.cache.forget('person', person.id));
  return { outcome: { status: 'applied' }, entityId: person.id };
}

interface Membership { householdId: string }

/** A person's household as a mergeable field: two phones moving the same person differently conflict. */
const MEMBERSHIP: EditableEntity<Membership> = {
  entity: 'person',
  labels: { householdId: '所属户' },
  outOfScopeMessage: PERSON_OUT_OF_SCOPE,
  baseAheadMessage: '本机的村民信息版本比服务器新，请重新同步',
  async find(trx, dialect, id) {
    const p = await repo.findPersonBrief(trx, dialect, id);
    if (!p || p.deleted) return null;
    return { id: p.id, villageId: p.villageId, version: p.version, fields: { householdId: p.householdId } };
  },
  async updateFields(trx, id, fields, version, now) {
    if (fields.householdId !== undefined) await repo.setPersonHousehold(trx, id, fields.householdId, version, now);
  },
};

export async function applyPersonMove(ctx: ApplyContext, p: PersonMovePayload): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const person = await repo.findPersonBrief(trx, dialect, p.personId);
  if (!person || person.deleted || !canWriteVillage(user, person.villageId)) throw forbiddenItem('out_of_scope', PERSON_OUT_OF_SCOPE);
  const target = await repo.findHouseholdBrief(trx, dialect, p.toHouseholdId);
  if (!target || target.deleted || !canWriteVillage(user, target.villageId)) throw forbiddenItem('out_of_scope', HOUSEHOLD_OUT_OF_SCOPE);
  if (target.villageId !== person.villageId) throw rejected('other_village', '只能迁到本村的其他户');
  if (target.status !== 'active') throw rejected('household_inactive', '目标户已迁出、合并或分户，不能迁入');
  const applied = await applyFieldEdit(ctx, MEMBERSHIP, { id: p.personId, baseVersion: p.baseVersion, fields: { householdId: p.toHouseholdId } });
  ctx.afterItem(() => ctx.cache.forget('person', p.personId));
  return applied;
}

/**
 * person.update's ID number: the collector has the card in hand, so the typed number is written
 * as it is (no field merge: a keyed hash could not be shown in a conflict review anyway).
 */
export async function applyPersonIdNumber(ctx: ApplyContext, personId: string, sealed: string | null, prepared: PreparedId | null): Promise<void> {
  const person = await repo.findPersonBrief(ctx.trx, ctx.dialect, personId);
  if (!person || person.deleted || !canWriteVillage(ctx.user, person.villageId)) throw forbiddenItem('out_of_scope', PERSON_OUT_OF_SCOPE);
  const storedId = sealed === null ? null : storedIdOrRefuse(prepared);
  if ((storedId?.idHash ?? null) === person.idHash) return;
  await repo.setPersonId(ctx.trx, person.id, storedId, person.version + 1, ctx.nowIso);
  ctx.logChange(scopeOfVillage(person.villageId), 'person', person.id);
}
