// Consent answers for seeded households (guardrail 5, shared/domain/consent.ts): most households
// answered on paper or on a phone, a few refused a purpose, some never answered, so that boards,
// exports and bank sharing show consent at work. Deterministic: the answer follows the last hex
// digit of the household's id (random in a UUIDv7). Households with a resident account are left
// unanswered: their resident is asked on the first visit.
import { sql } from 'kysely';
import type { Queryable } from '../repositories/queryable';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../shared/domain/consent';

/** Last hex digits of the household id that refuse a purpose; 'e' and 'f' never answered. */
const REFUSED_BY: Record<ConsentPurpose, string[]> = {
  moral_points: ['0'],
  credit_records: ['0', '1'],
  bank_sharing: ['0', '1', '2', '3', '4', '5', '6'],
  // public_boards follows the household's board flag as collected on the phones.
  public_boards: [],
};
const NEVER_ANSWERED = ['e', 'f'];

export async function seedConsents(db: Queryable, villageIds: readonly string[], at: string): Promise<void> {
  if (villageIds.length === 0) return;
  const digit = sql<string>`lower(substr(h.id, length(h.id), 1))`;
  for (const purpose of CONSENT_PURPOSES) {
    const refused = REFUSED_BY[purpose];
    const granted = purpose === 'public_boards'
      ? sql<number>`h.consent_public`
      : sql<number>`case when ${digit} in (${sql.join(refused)}) then 0 else 1 end`;
    await db.insertInto('household_consents')
      .columns(['id', 'household_id', 'village_id', 'purpose', 'granted', 'person_id', 'recorded_by', 'at'])
      .expression(db.selectFrom('households as h')
        .select([
          sql<string>`h.id || ${`:${purpose}`}`.as('id'), 'h.id as household_id', 'h.village_id', sql<string>`${purpose}`.as('purpose'),
          granted.as('granted'), sql<null>`null`.as('person_id'), sql<string>`${'seed'}`.as('recorded_by'), sql<string>`${at}`.as('at'),
        ])
        .where('h.village_id', 'in', villageIds)
        .where(sql<boolean>`${digit} not in (${sql.join(NEVER_ANSWERED)})`)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('users as u').select('u.id').whereRef('u.household_id', '=', 'h.id')))))
      .execute();
  }
}
