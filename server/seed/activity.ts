// The activity half of a village: entries drawn from the catalogue (caps respected, deductions
// rare and recorded with a basis), walked through review, two approvals for deductions, public
// notices and the effective state as far as the seed's "now" allows, with one event per step.
import crypto from 'node:crypto';
import { DEFAULT_INDICATORS, type DefaultIndicator } from '../../shared/domain/catalog-default';
import { periodKey } from '../../shared/domain/period';
import { uuid7At, weightedPicker, type Rng } from './random';
import { DEDUCTION_DETAILS, NOTES_BY_CODE, REJECT_REASONS } from './names';
import { DAY, HOUR, chinaDay, chinaMs, iso, noticePostings } from './timeline';
import type { EntryEventRow, EntryRow, NoticeRow } from './rows';
import type { HouseholdInfo } from './roster';
import type { StaffMember, VillageSpec } from './generate';

/** Actor of the automatic "notice window closed → effective" transition (as the server's). */
export const SYSTEM_ACTOR = 'system';
/** Reason on the first of a deduction's two approvals; the state stays `submitted` until the second. */
export const FIRST_APPROVAL_REASON = '第一审核人同意，待第二审核人审核';

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

export function generateActivity(rng: Rng, spec: VillageSpec, villageId: string, infos: HouseholdInfo[]) {
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
