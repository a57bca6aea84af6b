// Consent per purpose (shared/domain/consent.ts): every change is a row, the latest row per
// (household, purpose) is in force; household_consents_current serves both reads.
import { uuidv7 } from 'uuidv7';
import type { ConsentPlace, ConsentPurpose, ConsentState } from '../../shared/domain/consent';
import { CONSENT_PLACES, CONSENT_PURPOSES, isConsentPurpose, noConsent } from '../../shared/domain/consent';
import type { Queryable } from './queryable';
import { bool } from './queryable';

export interface ConsentChange {
  householdId: string;
  villageId: string;
  purpose: ConsentPurpose;
  granted: boolean;
  personId?: string | null;
  recordedBy: string;
  at: string;
}

export async function recordConsent(db: Queryable, change: ConsentChange): Promise<void> {
  await db.insertInto('household_consents').values({
    id: uuidv7(), household_id: change.householdId, village_id: change.villageId, purpose: change.purpose,
    granted: change.granted ? 1 : 0, person_id: change.personId ?? null, recorded_by: change.recordedBy, at: change.at,
  }).execute();
}

/** Whether the household's consent for `purpose` is in force now. */
export async function hasConsent(db: Queryable, householdId: string, purpose: ConsentPurpose): Promise<boolean> {
  const row = await db.selectFrom('household_consents').select('granted')
    .where('household_id', '=', householdId).where('purpose', '=', purpose)
    .orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? bool(row.granted) : false;
}

/** The consent in force for every purpose (not answered = not granted). */
export async function currentConsents(db: Queryable, householdId: string): Promise<ConsentState> {
  const state = noConsent();
  for (const purpose of CONSENT_PURPOSES) state[purpose] = await hasConsent(db, householdId, purpose);
  return state;
}

/** Whether the household has ever answered (the first login asks until it has). */
export async function hasAnsweredConsent(db: Queryable, householdId: string): Promise<boolean> {
  const row = await db.selectFrom('household_consents').select('id').where('household_id', '=', householdId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface ConsentHistoryRow { purpose: ConsentPurpose; granted: boolean; personId: string | null; recordedBy: string; at: string }

export async function consentHistory(db: Queryable, householdId: string): Promise<ConsentHistoryRow[]> {
  const rows = await db.selectFrom('household_consents').select(['purpose', 'granted', 'person_id', 'recorded_by', 'at'])
    .where('household_id', '=', householdId).orderBy('at', 'desc').orderBy('id', 'desc').execute();
  return rows.filter((r) => isConsentPurpose(r.purpose)).map((r) => ({
    purpose: r.purpose as ConsentPurpose, granted: bool(r.granted), personId: r.person_id, recordedBy: r.recorded_by, at: r.at,
  }));
}

/** The households of a village that consented to `purpose` (public boards, bank sharing lists). */
export async function householdsConsenting(db: Queryable, villageId: string, purpose: ConsentPurpose): Promise<Set<string>> {
  const rows = await db.selectFrom('household_consents').select(['household_id', 'granted', 'at', 'id'])
    .where('village_id', '=', villageId).where('purpose', '=', purpose)
    .orderBy('household_id').orderBy('at').orderBy('id').execute();
  const latest = new Map<string, boolean>();
  for (const r of rows) latest.set(r.household_id, bool(r.granted));
  return new Set([...latest].filter(([, granted]) => granted).map(([id]) => id));
}

/** The households of a village shown in `place` (CONSENT_PLACES): every purpose it needs granted now. */
export async function householdsShownIn(db: Queryable, villageId: string, place: ConsentPlace): Promise<Set<string>> {
  const sets = await Promise.all(CONSENT_PLACES[place].map((purpose) => householdsConsenting(db, villageId, purpose)));
  const [first, ...rest] = sets;
  return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
}

/** Whether one household is shown in `place` now. */
export async function isShownIn(db: Queryable, householdId: string, place: ConsentPlace): Promise<boolean> {
  for (const purpose of CONSENT_PLACES[place]) if (!(await hasConsent(db, householdId, purpose))) return false;
  return true;
}
