// The seed data generator: pure and deterministic apart from the injected ID-number sealing
// (AES-GCM uses a random IV). It works one village at a time, so a 1,788-village seed never holds
// more than one village in memory, and both the demo and the scale seed use it. The roster and
// the entries are made in roster.ts and activity.ts; this file ties them to a village and its
// change log.
import { DEFAULT_INDICATORS, type DefaultIndicator } from '../../shared/domain/catalog-default';
import { createRng, uuid7At } from './random';
import { villageName } from './names';
import { HOUR, iso } from './timeline';
import { generateRoster } from './roster';
import { generateActivity } from './activity';
import type { ChangeRow, IndicatorRow, TownshipRows, VillageRows } from './rows';

export { DEFAULT_AREA_CODE } from './roster';
export { FIRST_APPROVAL_REASON, SYSTEM_ACTOR, entryContentHash } from './activity';

// Independent random streams, so that e.g. more entries never change the household roster.
const STREAM_TOWNSHIP = 1;
const STREAM_ROSTER = 2;
const STREAM_ENTRIES = 3;
export const STREAM_STAFF = 4;

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
