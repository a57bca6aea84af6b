// The roster half of a village: households of 1–6 persons (户主, 配偶, 子女, 父母) with birth
// years, minors flagged, phone numbers for heads, and synthetic ID numbers for a share of adults,
// sealed through the injected protectId (never stored in clear).
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { uuid7At, weightedPicker, type Rng } from './random';
import { givenName, surnameFor, villageSurnames } from './names';
import { chinaDay, iso } from './timeline';
import type { HouseholdRow, PersonRow } from './rows';
import type { VillageSpec } from './generate';

/** What the activity generator needs to know about a household. */
export interface Member { id: string; adult: boolean }
export interface HouseholdInfo { id: string; members: Member[]; weight: number }

/** Pingdu's area code (GB/T 2260): synthetic ID numbers and village codes start with it. */
export const DEFAULT_AREA_CODE = '370283';

const PHONE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '139', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '166', '176', '177', '178', '180', '182', '183', '185', '186', '187', '188', '189', '199',
]; // 138 is left out: 13800000001 is the demo resident's login and must stay unique
const SIZE_PICK = weightedPicker([20, 34, 22, 14, 7, 3]); // persons per household 1..6, mean ≈ 2.6

/**
 * A mobile number unique per (village index, household index): the 8-digit tail is an invertible
 * affine map of the serial mod 10^8 (48271 is coprime to 10), so serials never share a tail.
 */
function phoneFor(rng: Rng, villageIndex: number, householdIndex: number): string {
  const serial = villageIndex * 10_000 + householdIndex;
  const tail = (serial * 48271 + 50_381_729) % 100_000_000;
  return rng.pick(PHONE_PREFIXES) + String(tail).padStart(8, '0');
}

export function generateRoster(rng: Rng, spec: VillageSpec, villageId: string): { households: HouseholdRow[]; persons: PersonRow[]; infos: HouseholdInfo[] } {
  const households: HouseholdRow[] = [];
  const persons: PersonRow[] = [];
  const infos: HouseholdInfo[] = [];
  const surnames = villageSurnames(rng);
  const groupSize = rng.int(18, 32);
  const anchorYear = Number(chinaDay(spec.anchorMs).slice(0, 4));
  const adultCutoff = `${anchorYear - 18}${chinaDay(spec.anchorMs).slice(5, 7)}${chinaDay(spec.anchorMs).slice(8, 10)}`;
  const stamp = iso(spec.rosterMs);
  const areaCode = spec.areaCode ?? DEFAULT_AREA_CODE;

  for (let h = 0; h < spec.households; h++) {
    const householdId = uuid7At(rng, spec.rosterMs);
    const surname = surnameFor(rng, surnames);
    const size = SIZE_PICK(rng) + 1;
    const headMale = rng.chance(0.78);
    const headYear = rng.int(1942, 1994);
    const plan: { relation: string; year: number; male: boolean; surname: string }[] = [
      { relation: '户主', year: headYear, male: headMale, surname },
    ];
    if (size >= 2 && rng.chance(0.85)) {
      plan.push({ relation: '配偶', year: clampYear(headYear + rng.int(-4, 4), anchorYear), male: !headMale, surname: surnameFor(rng, surnames) });
    }
    if (plan.length < size && headYear >= 1968 && rng.chance(0.4)) {
      plan.push({ relation: '父母', year: headYear - rng.int(22, 32), male: rng.chance(0.4), surname });
    }
    while (plan.length < size) {
      plan.push({ relation: '子女', year: clampYear(headYear + rng.int(22, 38), anchorYear), male: rng.chance(0.5), surname: headMale ? surname : surnameFor(rng, surnames) });
    }
    const phone = spec.fixedPhones?.get(h) ?? (rng.chance(0.9) ? phoneFor(rng, spec.index, h) : null);
    const members: Member[] = [];
    for (const [i, p] of plan.entries()) {
      const birth = `${p.year}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
      const minor = birth > adultCutoff;
      const id = uuid7At(rng, spec.rosterMs);
      const sealed = !minor && rng.chance(spec.idShare) ? spec.protectId(uniqueIdNumber(rng, spec.issuedIds, areaCode, birth, p.male)) : null;
      persons.push({
        id, household_id: householdId, village_id: villageId, name: p.surname + givenName(rng, p.male, p.year),
        relation: p.relation, birth_year: p.year, is_minor: minor ? 1 : 0,
        id_hash: sealed?.idHash ?? null, id_last4: sealed?.idLast4 ?? null, id_cipher: sealed?.idCipher ?? null,
        phone: i === 0 ? phone : null, version: 1, deleted: 0, created_at: stamp, updated_at: stamp,
      });
      members.push({ id, adult: !minor });
    }
    households.push({
      id: householdId, village_id: villageId, household_no: String(h + 1).padStart(4, '0'),
      group_no: Math.floor(h / groupSize) + 1, head_name: persons[persons.length - plan.length].name, phone,
      status: 'active', consent_public: rng.chance(0.6) ? 1 : 0, version: 1, deleted: 0, created_at: stamp, updated_at: stamp,
    });
    // Some households never take part: participation is a rate worth ranking, not always 100%.
    const weight = rng.chance(0.08) ? 0 : 0.3 + rng.next() * rng.next() * 3;
    infos.push({ id: householdId, members, weight });
  }
  if (infos.every((i) => i.weight === 0)) infos[0].weight = 1;
  return { households, persons, infos };
}

function clampYear(year: number, anchorYear: number): number {
  return Math.min(year, anchorYear - 1);
}

/** A valid GB 11643 number not issued before in this run; the sequence's parity encodes sex. */
function uniqueIdNumber(rng: Rng, issued: Set<string>, areaCode: string, birth: string, male: boolean): string {
  let k = rng.int(0, 499);
  for (let tries = 0; tries < 500; tries++, k = (k + 1) % 500) {
    const id = makeSyntheticIdNumber(areaCode, birth, k * 2 + (male ? 1 : 0));
    if (!issued.has(id)) {
      issued.add(id);
      return id;
    }
  }
  throw new Error('no free ID number sequence left for one birth date');
}
