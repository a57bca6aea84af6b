// Roster edits made on the phone (issue 13): each local change is written with the outbox item
// that carries it, in one transaction, like outbox.ts does for entries and household edits.
// ID numbers arrive here already sealed (platform/id-seal.ts): this module, like every table of the
// phone, only ever holds the sealed text and the last 4 characters.
import { uuidv7 } from 'uuidv7';
import { db, type OutboxItem } from './db';
import { META, getMeta, setMeta } from './meta';
import type { Mutation } from '../../../shared/protocol/sync';
import type { HouseholdDto, PersonDto } from '../../../shared/protocol/tables';

type Payload<K extends Mutation['kind']> = Extract<Mutation, { kind: K }>['payload'];

/** Keys of this module in the meta table. */
export const ROSTER_META = {
  /** The server's ID-sealing public key ({ keyId, publicKey }), fetched while online. */
  idSealKey: 'idSealKey',
  /** personId → { first6, last4 } of ID numbers typed on this phone (for 370283********1234). */
  idFirst6: 'idFirst6',
  /** Household ids opened recently, most recent first (the list shows them first). */
  recentHouseholds: 'recentHouseholds',
} as const;

export const MAX_RECENT = 20;

async function nextDeviceSeq(): Promise<number> {
  const row = await db.meta.get(META.deviceSeq);
  const next = (typeof row?.value === 'number' ? row.value : 0) + 1;
  await db.meta.put({ key: META.deviceSeq, value: next });
  return next;
}

async function queue<K extends Mutation['kind']>(kind: K, payload: Payload<K>, entityId: string, villageId: string, userId: string, now: Date): Promise<OutboxItem> {
  const item = {
    id: uuidv7(), kind, deviceSeq: await nextDeviceSeq(), at: now.toISOString(), payload,
    status: 'pending', attempts: 0, lastError: null, entityId, userId, villageId, exportedAt: null, keptAt: null,
  } as OutboxItem;
  await db.outbox.add(item);
  return item;
}

export interface NewHouseholdInput {
  villageId: string; householdNo: string; groupNo: number; headName: string; phone: string | null;
}

/**
 * A new household, on the phone at once (version 0 until the server's row arrives) with its
 * household.create. The head is added as a member by the caller (enqueuePersonCreate).
 */
export async function enqueueHouseholdCreate(input: NewHouseholdInput, userId: string, now = new Date()): Promise<HouseholdDto> {
  const household: HouseholdDto = {
    id: uuidv7(), villageId: input.villageId, householdNo: input.householdNo, groupNo: input.groupNo,
    headName: input.headName, phone: input.phone, status: 'active', consentPublic: false, version: 0,
  };
  await db.transaction('rw', [db.meta, db.households, db.outbox], async () => {
    await db.households.add(household);
    await queue('household.create', {
      householdId: household.id, villageId: household.villageId, householdNo: household.householdNo,
      groupNo: household.groupNo, headName: household.headName, phone: household.phone,
    }, household.id, household.villageId, userId, now);
  });
  return household;
}

export interface PersonInput {
  name: string; relation: string; birthYear: number | null; phone: string | null;
  /** Sealed ID number and its last 4, or null for none. Never the clear number. */
  id: { sealed: string; last4: string } | null;
}

export async function enqueuePersonCreate(householdId: string, input: PersonInput, userId: string, now = new Date()): Promise<PersonDto | null> {
  return db.transaction('rw', [db.meta, db.households, db.persons, db.outbox], async () => {
    const household = await db.households.get(householdId);
    if (!household) return null;
    const person: PersonDto = {
      id: uuidv7(), householdId, villageId: household.villageId, name: input.name, relation: input.relation,
      birthYear: input.birthYear, isMinor: input.birthYear !== null && now.getFullYear() - input.birthYear < 18,
      idLast4: input.id?.last4 ?? null, version: 0, phone: input.phone,
    };
    await db.persons.add(person);
    await queue('person.create', {
      personId: person.id, householdId, name: person.name, relation: person.relation, birthYear: person.birthYear,
      phone: person.phone, idSealed: input.id?.sealed ?? null,
    }, person.id, household.villageId, userId, now);
    return person;
  });
}

/** Fields edited on a member; `id` undefined leaves the ID number as it is, null removes it. */
export interface PersonEdit {
  name?: string; relation?: string; birthYear?: number | null; phone?: string | null;
  id?: { sealed: string; last4: string } | null;
}

/**
 * A member edit: only the fields that differ go out in person.update, based on the local version.
 * A member created on this phone and not yet acknowledged (version 0) has no server version to
 * be based on: its pending person.create is rewritten instead. Returns false when nothing changed.
 */
export async function enqueuePersonUpdate(personId: string, edit: PersonEdit, userId: string, now = new Date()): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.persons, db.outbox], async () => {
    const person = await db.persons.get(personId);
    if (!person) return false;
    const fields: Payload<'person.update'>['fields'] = {};
    if (edit.name !== undefined && edit.name !== person.name) fields.name = edit.name;
    if (edit.relation !== undefined && edit.relation !== person.relation) fields.relation = edit.relation;
    if (edit.birthYear !== undefined && edit.birthYear !== person.birthYear) fields.birthYear = edit.birthYear;
    if (edit.phone !== undefined && edit.phone !== (person.phone ?? null)) fields.phone = edit.phone;
    if (edit.id !== undefined && !(edit.id === null && person.idLast4 === null)) fields.idSealed = edit.id?.sealed ?? null;
    if (Object.keys(fields).length === 0) return false;
    const updated: PersonDto = {
      ...person,
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.relation !== undefined ? { relation: fields.relation } : {}),
      ...(fields.birthYear !== undefined ? { birthYear: fields.birthYear } : {}),
      ...(fields.phone !== undefined ? { phone: fields.phone } : {}),
      ...(edit.id !== undefined ? { idLast4: edit.id?.last4 ?? null } : {}),
    };
    await db.persons.put(updated);
    const create = person.version === 0
      ? (await db.outbox.where('entityId').equals(personId).toArray()).find((i) => i.kind === 'person.create' && i.status === 'pending')
      : undefined;
    if (create && create.kind === 'person.create') {
      await db.outbox.update(create.id, {
        payload: {
          ...create.payload, name: updated.name, relation: updated.relation, birthYear: updated.birthYear, phone: updated.phone ?? null,
          idSealed: fields.idSealed !== undefined ? fields.idSealed : create.payload.idSealed,
        },
        exportedAt: null,
      });
    } else {
      await queue('person.update', { personId, baseVersion: Math.max(1, person.version), fields }, personId, person.villageId, userId, now);
    }
    return true;
  });
}

export async function enqueuePersonRemove(personId: string, reason: string, userId: string, now = new Date()): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.persons, db.outbox], async () => {
    const person = await db.persons.get(personId);
    if (!person) return false;
    await db.persons.delete(personId);
    const pendingCreate = person.version === 0
      ? (await db.outbox.where('entityId').equals(personId).toArray()).filter((i) => i.status === 'pending')
      : [];
    if (pendingCreate.some((i) => i.kind === 'person.create')) {
      // Never sent: the server never needs to hear of this member.
      await db.outbox.bulkDelete(pendingCreate.map((i) => i.id));
      return true;
    }
    await queue('person.remove', { personId, reason }, personId, person.villageId, userId, now);
    return true;
  });
}

export async function enqueuePersonMove(personId: string, toHouseholdId: string, userId: string, now = new Date()): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.persons, db.households, db.outbox], async () => {
    const person = await db.persons.get(personId);
    const target = await db.households.get(toHouseholdId);
    if (!person || !target || target.villageId !== person.villageId || person.householdId === toHouseholdId) return false;
    await db.persons.put({ ...person, householdId: toHouseholdId });
    const create = person.version === 0
      ? (await db.outbox.where('entityId').equals(personId).toArray()).find((i) => i.kind === 'person.create' && i.status === 'pending')
      : undefined;
    if (create && create.kind === 'person.create') {
      await db.outbox.update(create.id, { payload: { ...create.payload, householdId: toHouseholdId }, exportedAt: null });
    } else {
      await queue('person.move', { personId, baseVersion: Math.max(1, person.version), toHouseholdId }, personId, person.villageId, userId, now);
    }
    return true;
  });
}

export type HouseholdStatus = 'active' | 'moved-out' | 'merged' | 'split';

/** Moved out / merged / split (or back to active): household.update's status field. */
export async function enqueueHouseholdStatus(householdId: string, status: HouseholdStatus, userId: string, now = new Date()): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.households, db.outbox], async () => {
    const household = await db.households.get(householdId);
    if (!household || household.status === status) return false;
    await db.households.put({ ...household, status });
    const create = household.version === 0
      ? (await db.outbox.where('entityId').equals(householdId).toArray()).find((i) => i.kind === 'household.create' && i.status === 'pending')
      : undefined;
    // A household not yet on the server is created first, then its status is set on top of version 1.
    await queue('household.update', { householdId, baseVersion: create ? 1 : Math.max(1, household.version), fields: { status } }, householdId, household.villageId, userId, now);
    return true;
  });
}

export async function noteHouseholdOpened(householdId: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const list = ((await getMeta<string[]>(ROSTER_META.recentHouseholds)) ?? []).filter((id) => id !== householdId);
    await setMeta(ROSTER_META.recentHouseholds, [householdId, ...list].slice(0, MAX_RECENT));
  });
}

export async function recentHouseholds(): Promise<string[]> {
  return (await getMeta<string[]>(ROSTER_META.recentHouseholds)) ?? [];
}

export type IdPrefixes = Record<string, { first6: string; last4: string }>;

/**
 * Keeps the first 6 characters (the area code) of an ID number typed on this phone, so that it can
 * be shown masked the national way, 370283********1234. The server sends only the last 4; the
 * middle 8 (birth date and sequence) never stay on the phone.
 */
export async function rememberIdPrefix(personId: string, id: { first6: string; last4: string } | null): Promise<void> {
  await db.transaction('rw', [db.meta], async () => {
    const all = { ...((await getMeta<IdPrefixes>(ROSTER_META.idFirst6)) ?? {}) };
    if (id) all[personId] = { first6: id.first6, last4: id.last4 };
    else delete all[personId];
    await setMeta(ROSTER_META.idFirst6, all);
  });
}

/** `370283********1234` when this phone knows the first 6 of that number, else the last 4 behind stars. */
export function maskedIdOf(personId: string, last4: string | null, prefixes: IdPrefixes | undefined): string | null {
  if (!last4) return null;
  const known = prefixes?.[personId];
  return `${known && known.last4 === last4 ? known.first6 : '******'}********${last4}`;
}

export const getIdSealKey = () => getMeta<{ keyId: string; publicKey: string }>(ROSTER_META.idSealKey);
export const setIdSealKey = (key: { keyId: string; publicKey: string }) => setMeta(ROSTER_META.idSealKey, key);

/** The next household number for a new household: one above the village's highest numeric one. */
export async function proposeHouseholdNo(villageId: string): Promise<string> {
  const list = await db.households.where('villageId').equals(villageId).toArray();
  let max = 0;
  let width = 4;
  for (const h of list) {
    if (/^\d+$/.test(h.householdNo)) {
      max = Math.max(max, Number(h.householdNo));
      width = h.householdNo.length;
    }
  }
  return String(max + 1).padStart(width, '0');
}

/**
 * Households of the village with an entry or a credit record this month (by occurred-on date or
 * recording time), for "not visited this month".
 */
export async function visitedThisMonth(villageId: string, now = new Date()): Promise<Set<string>> {
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  const out = new Set<string>();
  await db.householdEntries.where('villageId').equals(villageId).each((rec) => {
    if (rec.rows.some((e) => e.occurredOn.startsWith(month) || e.createdAt.startsWith(month))) out.add(rec.householdId);
  });
  await db.entries.each((e) => {
    if (e.villageId === villageId && (e.occurredOn.startsWith(month) || e.createdAt.startsWith(month))) out.add(e.householdId);
  });
  await db.creditRecords.where('villageId').equals(villageId).each((r) => {
    if (r.occurredOn.startsWith(month) || r.createdAt.startsWith(month)) out.add(r.householdId);
  });
  return out;
}
