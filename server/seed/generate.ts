// The seed data generator: pure and deterministic apart from the injected ID-number sealing
// (AES-GCM uses a random IV). It works one village at a time, so a 1,788-village seed never holds
// more than one village in memory, and both the demo and the scale seed use it.
import crypto from 'node:crypto';
import { DEFAULT_INDICATORS, type DefaultIndicator } from '../../shared/domain/catalog-default';
import { periodKey } from '../../shared/domain/period';
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { createRng, uuid7At, weightedPicker, type Rng } from './random';
import {
  DEDUCTION_DETAILS, NOTES_BY_CODE, REJECT_REASONS, givenName, surnameFor, villageName, villageSurnames,
} from './names';
import { DAY, HOUR, chinaDay, chinaMs, iso, noticePostings } from './timeline';
import type {
  ChangeRow, EntryEventRow, EntryRow, HouseholdRow, IndicatorRow, NoticeRow, PersonRow, TownshipRows, VillageRows,
} from './rows';

// Independent random streams, so that e.g. more entries never change the household roster.
const STREAM_TOWNSHIP = 1;
const STREAM_ROSTER = 2;
const STREAM_ENTRIES = 3;
export const STREAM_STAFF = 4;

/** Actor of the automatic "notice window closed → effective" transition. */
export const SYSTEM_ACTOR = 'system';
/** Reason on the first of a deduction's two approvals; the state stays `submitted` until the second. */
export const FIRST_APPROVAL_REASON = '第一审核人同意，待第二审核人审核';
/** Pingdu's area code (GB/T 2260): synthetic ID numbers and village codes start with it. */
export const DEFAULT_AREA_CODE = '370283';

export interface TownshipSpec {
  seed: number;
  index: number;
  code: string;
  name: string;
  createdMs: number;
  catalogEffectiveFrom: string;
  noticeDays: number;
  basePoints?: number;
  catalogue?: readonly DefaultIndicator[];
}

/** A township, its published catalogue version 1 and their change rows (scope `township:<id>`). */
export function generateTownship(spec: TownshipSpec): TownshipRows {
  const rng = createRng(spec.seed, STREAM_TOWNSHIP, spec.index);
  const id = uuid7At(rng, spec.createdMs);
  const publishedMs = spec.createdMs + HOUR;
  const catalogVersionId = uuid7At(rng, publishedMs);
  const scope = `township:${id}`;
  const catalogue = spec.catalogue ?? DEFAULT_INDICATORS;
  const indicators: IndicatorRow[] = catalogue.map((ind) => ({
    id: uuid7At(rng, publishedMs),
    catalog_version_id: catalogVersionId,
    code: ind.code,
    category: ind.category,
    name_zh: ind.nameZh,
    name_en: ind.nameEn,
    sign: ind.sign,
    points_min: ind.pointsMin,
    points_max: ind.pointsMax,
    cap_count: ind.capCount,
    cap_period: ind.capPeriod,
    evidence_required: ind.evidenceRequired ? 1 : 0,
    subject: ind.subject,
    recorder_roles: ind.recorderRoles.join(','),
    sort: ind.sort,
  }));
  const changes: ChangeRow[] = [
    { entity: 'catalogVersion', entity_id: catalogVersionId, scope, seq: 1, op: 'upsert' },
    ...indicators.map((ind, i) => ({ entity: 'indicator', entity_id: ind.id, scope, seq: i + 2, op: 'upsert' })),
  ];
  const year = spec.catalogEffectiveFrom.slice(0, 4);
  return {
    township: {
      id, code: spec.code, name: spec.name, base_points: spec.basePoints ?? 100, notice_days: spec.noticeDays,
      change_seq: changes.length, created_at: iso(spec.createdMs),
    },
    catalogVersion: {
      id: catalogVersionId, township_id: id, version: 1, name: `${year}年度道德积分指标（第1版）`,
      effective_from: spec.catalogEffectiveFrom, status: 'published', published_at: iso(publishedMs),
    },
    indicators,
    changes,
  };
}

export interface StaffMember { id: string; deviceId: string }

export interface VillageSpec {
  seed: number;
  /** Global village number: picks the random stream and keeps phone numbers unique. */
  index: number;
  townshipId: string;
  catalogVersionId: string;
  catalogue?: readonly DefaultIndicator[];
  code: string;
  name?: string;
  households: number;
  entries: number;
  /** When the roster was imported; households and persons are created then. */
  rosterMs: number;
  /** First day entries may occur on ('YYYY-MM-DD'). */
  from: string;
  /** The seed's "now": entries occur before its day; later steps are left pending. */
  anchorMs: number;
  noticeDays: number;
  /** Collectors record most entries; committee members (≥ 2: deductions need two) review them. */
  collectors: readonly StaffMember[];
  committee: readonly StaffMember[];
  areaCode?: string;
  /** Share of adults that get an ID number (guardrail 6: only where needed). */
  idShare: number;
  /** Seals a clear ID number into the stored columns (server/security/pii.ts protectIdNumber). */
  protectId: (idNumber: string) => { idHash: string; idLast4: string; idCipher: string };
  /** ID numbers issued so far in this seed run, so no two persons share one. */
  issuedIds: Set<string>;
  /** Next device_seq per device, shared across villages (a collector's phone serves several). */
  deviceSeqs: Map<string, number>;
  /** Household index → head's phone, for curated logins (the demo resident). */
  fixedPhones?: ReadonlyMap<number, string>;
}

interface Member { id: string; adult: boolean }
interface HouseholdInfo { id: string; members: Member[]; weight: number }

/** One village with its roster, notices, entries, their events and the village's change log. */
export function generateVillage(spec: VillageSpec): VillageRows {
  if (spec.committee.length < 2) throw new RangeError('a village needs two committee members (deductions need two approvers)');
  if (spec.collectors.length < 1) throw new RangeError('a village needs a collector');
  const rng = createRng(spec.seed, STREAM_ROSTER, spec.index);
  const villageId = uuid7At(rng, spec.rosterMs - HOUR);
  const name = spec.name ?? villageName(rng);
  const roster = generateRoster(rng, spec, villageId);
  const activity = generateActivity(createRng(spec.seed, STREAM_ENTRIES, spec.index), spec, villageId, roster.infos);

  // One change per entity, numbered in the order the village's history happened.
  const scope = `village:${villageId}`;
  const changes: ChangeRow[] = [{ entity: 'village', entity_id: villageId, scope, seq: 1, op: 'upsert' }];
  const add = (entity: string, id: string) => changes.push({ entity, entity_id: id, scope, seq: changes.length + 1, op: 'upsert' });
  for (const h of roster.households) add('household', h.id);
  for (const p of roster.persons) add('person', p.id);
  for (const e of activity.entriesByLastChange) add('entry', e.id);

  return {
    village: { id: villageId, township_id: spec.townshipId, code: spec.code, name, change_seq: changes.length, created_at: iso(spec.rosterMs - HOUR) },
    households: roster.households,
    persons: roster.persons,
    notices: activity.notices,
    entries: activity.entries,
    events: activity.events,
    changes,
  };
}

// ---------------------------------------------------------------------------------------------
// Roster: households and persons

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

function generateRoster(rng: Rng, spec: VillageSpec, villageId: string) {
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

// ---------------------------------------------------------------------------------------------
// Activity: entries, review, notices

/** How often each default indicator is used; deductions are rare (a few percent). */
const CODE_WEIGHTS: Readonly<Record<string, number>> = {
  A01: 8, A02: 10, A03: 10, A04: 0.05, A05: 2, A06: 0.5, A07: 5,
  B01: 20, B02: 2, B03: 0.05, B04: 0.3, B05: 1, B06: 1.2, B07: 0.3, B08: 0.2,
  C01: 2, C02: 20, C03: 10, C04: 1, C05: 0.05, C06: 0.1, C07: 0.4, C08: 0.8,
  D01: 3, D02: 1, D03: 2, D04: 0.5, D05: 0.5, D06: 6, D07: 0.05, D08: 0.03,
};

interface Draft {
  id: string; household: HouseholdInfo; personId: string | null; ind: DefaultIndicator; points: number;
  occurredOn: string; clientMs: number; receivedMs: number; recorder: StaffMember; note: string;
}

function generateActivity(rng: Rng, spec: VillageSpec, villageId: string, infos: HouseholdInfo[]) {
  const catalogue = spec.catalogue ?? DEFAULT_INDICATORS;
  const pickIndicator = weightedPicker(catalogue.map((i) => CODE_WEIGHTS[i.code] ?? (i.sign < 0 ? 0.1 : 1)));
  const pickHousehold = weightedPicker(infos.map((i) => i.weight));
  const fallback = catalogue.find((i) => i.sign > 0 && i.capCount === null) ?? catalogue[0];
  const firstMs = chinaMs(spec.from);
  const days = Math.max(1, Math.floor((spec.anchorMs - firstMs) / DAY));
  const capCounts = new Map<string, number>();

  const drafts: Draft[] = [];
  for (let n = 0; n < spec.entries; n++) {
    const occurredOn = chinaDay(firstMs + rng.int(0, days - 1) * DAY + 12 * HOUR);
    let household = infos[pickHousehold(rng)];
    let ind = catalogue[pickIndicator(rng)];
    // Respect caps (per household, the stricter reading), as the server would.
    for (let tries = 0; !withinCap(capCounts, household.id, ind, occurredOn) && tries < 6; tries++) {
      household = infos[pickHousehold(rng)];
      ind = catalogue[pickIndicator(rng)];
    }
    if (!withinCap(capCounts, household.id, ind, occurredOn)) ind = fallback;
    countCap(capCounts, household.id, ind, occurredOn);

    const adults = household.members.filter((m) => m.adult);
    const personId = ind.subject === 'person' ? rng.pick(adults.length > 0 ? adults : household.members).id : null;
    const points = ind.pointsMin === ind.pointsMax ? ind.pointsMin : rng.int(ind.pointsMin, ind.pointsMax);
    // Deductions are recorded by collectors only, so two committee members remain to approve them.
    const recorder = points < 0 || rng.chance(0.85) ? rng.pick(spec.collectors) : rng.pick(spec.committee);
    const lagDays = rng.chance(0.7) ? 0 : rng.int(1, 2);
    const clientMs = Math.min(chinaMs(occurredOn, 8) + lagDays * DAY + rng.int(0, 11 * 60) * 60_000, spec.anchorMs - rng.int(30, 600) * 60_000);
    // Collectors are often offline: most entries arrive within the hour, some days later.
    const delay = rng.chance(0.6) ? rng.int(1, 30) * 60_000 : rng.chance(0.75) ? rng.int(1, 12) * HOUR : rng.int(1, 3) * DAY;
    const receivedMs = Math.min(clientMs + delay, spec.anchorMs - 60_000);
    const note = points < 0
      ? `${ind.conditionZh ?? '依据村规民约'}；${rng.pick(DEDUCTION_DETAILS)}`
      : NOTES_BY_CODE[ind.code] && rng.chance(0.5) ? rng.pick(NOTES_BY_CODE[ind.code]) : '';
    drafts.push({ id: uuid7At(rng, clientMs), household, personId, ind, points, occurredOn, clientMs, receivedMs, recorder, note });
  }
  drafts.sort((a, b) => a.clientMs - b.clientMs || (a.id < b.id ? -1 : 1));
  return reviewAndPublicize(rng, spec, villageId, drafts);
}

function withinCap(counts: Map<string, number>, householdId: string, ind: DefaultIndicator, day: string): boolean {
  const key = periodKey(ind.capPeriod, day);
  return key === null || ind.capCount === null || (counts.get(`${householdId}|${ind.code}|${key}`) ?? 0) < ind.capCount;
}

function countCap(counts: Map<string, number>, householdId: string, ind: DefaultIndicator, day: string): void {
  const key = periodKey(ind.capPeriod, day);
  if (key === null) return;
  const k = `${householdId}|${ind.code}|${key}`;
  counts.set(k, (counts.get(k) ?? 0) + 1);
}

/**
 * Walks each entry through the life cycle as far as the anchor allows: review (a rejection, or
 * one approval, or two for a deduction), then the next public notice, then effective when the
 * window has closed. Entries still in review at the anchor stay `submitted`; approved after the
 * last posting stay `approved`; in the open window, `publicized`.
 */
function reviewAndPublicize(rng: Rng, spec: VillageSpec, villageId: string, drafts: Draft[]) {
  const postings = noticePostings(chinaMs(spec.from), spec.anchorMs);
  const noticeIds = postings.map((p) => uuid7At(rng, p));
  const noticeUsed = postings.map(() => false);
  const windowMs = spec.noticeDays * DAY;
  const entries: EntryRow[] = [];
  const events: EntryEventRow[] = [];
  const lastChange: { id: string; ms: number }[] = [];

  for (const d of drafts) {
    const seq = spec.deviceSeqs.get(d.recorder.deviceId) ?? 1;
    spec.deviceSeqs.set(d.recorder.deviceId, seq + 1);
    let state = 'submitted';
    let lastMs = d.receivedMs;
    let noticeId: string | null = null;
    const event = (from: string | null, to: string, actor: string, ms: number, reason = '') => {
      events.push({ id: uuid7At(rng, ms), entry_id: d.id, village_id: villageId, from_state: from, to_state: to, actor_id: actor, reason, at: iso(ms) });
      state = to;
      lastMs = ms;
    };
    event(null, 'submitted', d.recorder.id, d.receivedMs);

    const reviewers = spec.committee.filter((c) => c.id !== d.recorder.id);
    const reviewMs = d.receivedMs + rng.int(4, 96) * HOUR;
    let approvedMs: number | null = null;
    if (reviewMs < spec.anchorMs) {
      const first = rng.pick(reviewers);
      if (rng.chance(d.points < 0 ? 0.08 : 0.03)) {
        event('submitted', 'rejected', first.id, reviewMs, rng.pick(REJECT_REASONS));
      } else if (d.points < 0) {
        event('submitted', 'submitted', first.id, reviewMs, FIRST_APPROVAL_REASON);
        const secondMs = reviewMs + rng.int(2, 48) * HOUR;
        const second = reviewers.find((r) => r.id !== first.id);
        if (second && secondMs < spec.anchorMs) {
          event('submitted', 'approved', second.id, secondMs);
          approvedMs = secondMs;
        }
      } else {
        event('submitted', 'approved', first.id, reviewMs);
        approvedMs = reviewMs;
      }
    }
    if (approvedMs !== null) {
      const k = postings.findIndex((p) => p >= approvedMs);
      if (k >= 0) {
        noticeUsed[k] = true;
        noticeId = noticeIds[k];
        event('approved', 'publicized', spec.committee[0].id, postings[k]);
        if (postings[k] + windowMs <= spec.anchorMs) event('publicized', 'effective', SYSTEM_ACTOR, postings[k] + windowMs);
      }
    }

    entries.push({
      id: d.id, village_id: villageId, household_id: d.household.id, person_id: d.personId,
      catalog_version_id: spec.catalogVersionId, indicator_code: d.ind.code, occurred_on: d.occurredOn,
      points: d.points, note: d.note, recorder_id: d.recorder.id, device_id: d.recorder.deviceId, device_seq: seq,
      state, reverses: null, notice_id: noticeId, content_hash: entryContentHash({
        id: d.id, householdId: d.household.id, personId: d.personId, catalogVersionId: spec.catalogVersionId,
        indicatorCode: d.ind.code, occurredOn: d.occurredOn, points: d.points, note: d.note,
      }),
      client_created_at: iso(d.clientMs), created_at: iso(d.receivedMs), updated_at: iso(lastMs),
    });
    lastChange.push({ id: d.id, ms: lastMs });
  }

  const notices: NoticeRow[] = [];
  postings.forEach((p, k) => {
    if (!noticeUsed[k]) return;
    notices.push({
      id: noticeIds[k], village_id: villageId, starts_at: iso(p), ends_at: iso(p + windowMs),
      status: p + windowMs <= spec.anchorMs ? 'closed' : 'open', created_by: spec.committee[0].id, created_at: iso(p),
    });
  });
  lastChange.sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : 1));
  return { entries, events, notices, entriesByLastChange: lastChange };
}

/**
 * The hash a phone's `entry.create` of this entry would carry, so a replay would be a duplicate.
 * Same string as mutationContent() (keys in sorted order, which JSON.stringify keeps), built
 * directly because canonicalJson's generic walk is a large share of a big seed's time;
 * generate.test.ts checks the two agree.
 */
export function entryContentHash(e: {
  id: string; householdId: string; personId: string | null; catalogVersionId: string; indicatorCode: string;
  occurredOn: string; points: number; note: string;
}): string {
  const content = JSON.stringify({
    kind: 'entry.create',
    payload: {
      catalogVersionId: e.catalogVersionId, entryId: e.id, householdId: e.householdId, indicatorCode: e.indicatorCode,
      note: e.note, occurredOn: e.occurredOn, personId: e.personId, points: e.points, reverses: null,
    },
  });
  return crypto.hash('sha256', content, 'hex');
}
