// Edit conflicts of household.update and person.update for the village admin (committee, admin):
//   GET  /api/villages/:villageId/conflicts      the village's open conflicts;
//   POST /api/conflicts/:conflictId/resolve      keep the server's value, or apply the phone's.
// Applying the phone's value is an ordinary edit: new household (person) version, new field version
// and a pull change, so every phone of the village receives it (docs/sync-protocol.md, household.update).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { recordChanges } from '../../db/changes';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { conflict, notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { closeConflict, findConflictForWrite, listOpenConflictsOfVillage } from '../../repositories/conflicts';
import { findHouseholdRecord, updateHouseholdFields, type HouseholdFields } from '../../repositories/household-writes';
import { findPersonRecord, updatePersonFields, type PersonFields, type PersonRecord } from '../../repositories/persons';
import { setPersonHousehold } from '../../repositories/roster';
import { setFieldVersions } from '../../repositories/field-versions';
import { scopeOfVillage } from '../../../shared/protocol/sync';
import type { WriteTrx } from '../../db/transaction';
import type { Dialect } from '../../db/connect';
import type { ConflictRecord } from '../../repositories/conflicts';

const resolveBody = z.object({ keep: z.enum(['server', 'client']) });

/** The phone's stored value as a household field, or null when it does not fit the field. */
function householdFieldValue(field: string, value: unknown): Partial<HouseholdFields> | null {
  switch (field) {
    case 'headName': return typeof value === 'string' && value !== '' ? { headName: value } : null;
    case 'phone': return value === null || typeof value === 'string' ? { phone: value } : null;
    case 'groupNo': return typeof value === 'number' && Number.isInteger(value) ? { groupNo: value } : null;
    case 'status': return typeof value === 'string' ? { status: value } : null;
    case 'consentPublic': return typeof value === 'boolean' ? { consentPublic: value } : null;
    default: return null;
  }
}

/** The phone's stored value as a person field, or null when it does not fit the field. */
function personFieldValue(field: string, value: unknown): Partial<PersonFields> | null {
  switch (field) {
    case 'name': return typeof value === 'string' && value !== '' ? { name: value } : null;
    case 'relation': return typeof value === 'string' && value !== '' ? { relation: value } : null;
    case 'birthYear': return value === null || (typeof value === 'number' && Number.isInteger(value)) ? { birthYear: value } : null;
    case 'phone': return value === null || typeof value === 'string' ? { phone: value } : null;
    default: return null;
  }
}

/**
 * Keep client on a person's household (two phones moved the person differently, person.move): the
 * move the phone asked for, if that household is still a live, active household of the village.
 */
async function adoptPhoneMove(trx: WriteTrx, dialect: Dialect, found: ConflictRecord, person: PersonRecord, at: string): Promise<number> {
  const to = typeof found.clientValue === 'string' ? await findHouseholdRecord(trx, dialect, found.clientValue) : null;
  if (!to || to.villageId !== person.villageId || to.fields.status !== 'active') {
    throw conflict('invalid_value', '手机上选的户已不存在、不在本村或已迁出，只能保留现值');
  }
  if (person.householdId === to.id) return person.version;
  const version = person.version + 1;
  await setPersonHousehold(trx, person.id, to.id, version, at);
  await setFieldVersions(trx, 'person', person.id, ['householdId'], version);
  await recordChanges(trx, scopeOfVillage(person.villageId), 'person', [person.id]);
  return version;
}

/** Keep client on a person conflict: the person's new version (unchanged when it already holds the value). */
async function applyPersonValue(trx: WriteTrx, dialect: Dialect, found: ConflictRecord, at: string): Promise<number> {
  const person = await findPersonRecord(trx, dialect, found.entityId);
  if (!person) throw conflict('person_gone', '该村民已不存在，只能保留现值');
  if (found.field === 'householdId') return adoptPhoneMove(trx, dialect, found, person, at);
  const change = personFieldValue(found.field, found.clientValue);
  if (!change) throw conflict('invalid_value', '手机上的值无法采用，只能保留现值');
  if (person.fields[found.field as keyof PersonFields] === Object.values(change)[0]) return person.version;
  const version = person.version + 1;
  await updatePersonFields(trx, person.id, change, version, at);
  await setFieldVersions(trx, 'person', person.id, [found.field], version);
  await recordChanges(trx, scopeOfVillage(person.villageId), 'person', [person.id]);
  return version;
}

export const villageConflictRoutes = new Hono<AppEnv>()
  .get('/:villageId/conflicts', allow({ roles: REVIEWERS, scope: 'village' }), async (c) => {
    const deps = c.get('deps');
    return c.json({ conflicts: await listOpenConflictsOfVillage(deps.db, c.req.param('villageId')) }, 200);
  });

export const conflictRoutes = new Hono<AppEnv>()
  .post('/:conflictId/resolve', allow({ roles: REVIEWERS, scope: 'conflict' }), jsonBody(resolveBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { keep } = c.req.valid('json');
    const at = deps.now().toISOString();
    const result = await writeTransaction(deps, async (trx) => {
      const found = await findConflictForWrite(trx, c.req.param('conflictId'));
      if (!found) throw notFound('冲突记录不存在或不在您的范围内');
      if (found.status !== 'open') throw conflict('already_resolved', '该冲突已处理');
      if (keep === 'server') {
        await closeConflict(trx, found.id, 'dismissed', user.id, at);
        return { status: 'dismissed' as const, householdVersion: null };
      }
      if (found.entity === 'person') {
        const personVersion = await applyPersonValue(trx, deps.dialect, found, at);
        await closeConflict(trx, found.id, 'resolved', user.id, at);
        return { status: 'resolved' as const, householdVersion: null, personVersion };
      }
      if (found.entity !== 'household') throw conflict('unsupported_entity', '暂不支持处理此类冲突');
      const household = await findHouseholdRecord(trx, deps.dialect, found.entityId);
      if (!household) throw conflict('household_gone', '该户已不存在，只能保留现值');
      const change = householdFieldValue(found.field, found.clientValue);
      if (!change) throw conflict('invalid_value', '手机上的值无法采用，只能保留现值');
      let version = household.version;
      const current = household.fields[found.field as keyof HouseholdFields];
      if (current !== Object.values(change)[0]) {
        version = household.version + 1;
        await updateHouseholdFields(trx, household.id, change, version, at);
        await setFieldVersions(trx, 'household', household.id, [found.field], version);
        await recordChanges(trx, scopeOfVillage(household.villageId), 'household', [household.id]);
      }
      await closeConflict(trx, found.id, 'resolved', user.id, at);
      return { status: 'resolved' as const, householdVersion: version };
    });
    return c.json({ conflict: { id: c.req.param('conflictId'), ...result, resolvedBy: user.id, resolvedAt: at } }, 200);
  });
