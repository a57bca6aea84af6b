// Current rows of the pulled entities, loaded in bulk by id and mapped to the DTOs of
// shared/protocol/tables.ts. Each row comes with the scope it belongs to now, so the pull can
// check it against the scope whose change log named it. Soft-deleted rows come back as absent:
// the pull turns both into tombstones.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { PulledEntity } from '../../shared/protocol/sync';
import { scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import type { PulledDtos } from '../../shared/protocol/tables';
import type { EntryState } from '../../shared/domain/entry-state';
import { creditKindsByIds, creditRecordsByIds } from './credit';
import { evidenceOf } from './evidence';

export interface PulledRow<K extends PulledEntity> { scope: string; dto: PulledDtos[K] }
export type PulledRows<K extends PulledEntity> = Map<string, PulledRow<K>>;

type Db = Kysely<Database>;
/** Stays well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

async function inChunks<T>(ids: readonly string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

const flag = (v: number) => v === 1;

async function villages(db: Db, ids: readonly string[]): Promise<PulledRows<'village'>> {
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('villages').select(['id', 'township_id', 'code', 'name']).where('id', 'in', c).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfVillage(r.id),
    dto: { id: r.id, townshipId: r.township_id, code: r.code, name: r.name },
  }]));
}

async function households(db: Db, ids: readonly string[]): Promise<PulledRows<'household'>> {
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('households')
      .select(['id', 'village_id', 'household_no', 'group_no', 'head_name', 'phone', 'status', 'consent_public', 'version'])
      .where('id', 'in', c).where('deleted', '=', 0).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfVillage(r.village_id),
    dto: {
      id: r.id, villageId: r.village_id, householdNo: r.household_no, groupNo: r.group_no, headName: r.head_name,
      phone: r.phone, status: r.status, consentPublic: flag(r.consent_public), version: r.version,
    },
  }]));
}

async function persons(db: Db, ids: readonly string[]): Promise<PulledRows<'person'>> {
  // Never select id_cipher or id_hash: a phone gets the last 4 digits only (guardrail 6).
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('persons')
      .select(['id', 'household_id', 'village_id', 'name', 'relation', 'birth_year', 'is_minor', 'id_last4', 'version', 'phone'])
      .where('id', 'in', c).where('deleted', '=', 0).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfVillage(r.village_id),
    dto: {
      id: r.id, householdId: r.household_id, villageId: r.village_id, name: r.name, relation: r.relation,
      birthYear: r.birth_year, isMinor: flag(r.is_minor), idLast4: r.id_last4, version: r.version,
      phone: r.phone,
    },
  }]));
}

async function entries(db: Db, ids: readonly string[]): Promise<PulledRows<'entry'>> {
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('entries')
      .select([
        'id', 'village_id', 'household_id', 'person_id', 'catalog_version_id', 'indicator_code', 'occurred_on',
        'points', 'note', 'recorder_id', 'state', 'reverses', 'created_at', 'state_reason', 'revision',
      ])
      .where('id', 'in', c).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfVillage(r.village_id),
    dto: {
      id: r.id, villageId: r.village_id, householdId: r.household_id, personId: r.person_id,
      catalogVersionId: r.catalog_version_id, indicatorCode: r.indicator_code, occurredOn: r.occurred_on,
      points: r.points, note: r.note, recorderId: r.recorder_id, state: r.state as EntryState,
      reverses: r.reverses, createdAt: r.created_at, stateReason: r.state_reason, revision: r.revision,
    },
  }]));
}

async function catalogVersions(db: Db, ids: readonly string[]): Promise<PulledRows<'catalogVersion'>> {
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('catalog_versions')
      .select(['id', 'township_id', 'version', 'name', 'effective_from', 'status'])
      .where('id', 'in', c).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfTownship(r.township_id),
    dto: {
      id: r.id, townshipId: r.township_id, version: r.version, name: r.name,
      effectiveFrom: r.effective_from, status: r.status,
    },
  }]));
}

async function indicators(db: Db, ids: readonly string[]): Promise<PulledRows<'indicator'>> {
  const rows = await inChunks(ids, (c) =>
    db.selectFrom('indicators')
      .innerJoin('catalog_versions', 'catalog_versions.id', 'indicators.catalog_version_id')
      .select([
        'indicators.id', 'indicators.catalog_version_id', 'indicators.code', 'indicators.category',
        'indicators.name_zh', 'indicators.name_en', 'indicators.sign', 'indicators.points_min',
        'indicators.points_max', 'indicators.cap_count', 'indicators.cap_period', 'indicators.evidence_required',
        'indicators.subject', 'indicators.recorder_roles', 'indicators.sort', 'catalog_versions.township_id',
      ])
      .where('indicators.id', 'in', c).execute());
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfTownship(r.township_id),
    dto: {
      id: r.id, catalogVersionId: r.catalog_version_id, code: r.code, category: r.category,
      nameZh: r.name_zh, nameEn: r.name_en, sign: r.sign < 0 ? -1 : 1, pointsMin: r.points_min,
      pointsMax: r.points_max, capCount: r.cap_count, capPeriod: r.cap_period,
      evidenceRequired: flag(r.evidence_required), subject: r.subject === 'person' ? 'person' : 'household',
      recorderRoles: r.recorder_roles.split(',').map((s) => s.trim()).filter(Boolean), sort: r.sort,
    },
  }]));
}

async function creditRecords(db: Db, ids: readonly string[]): Promise<PulledRows<'creditRecord'>> {
  const rows = await inChunks(ids, (c) => creditRecordsByIds(db, c));
  // Their photos (credit_record_evidence's primary key), linked once when the record was made.
  const photos = await evidenceOf(db, 'creditRecord', rows.map((r) => r.id));
  return new Map(rows.map((r) => [r.id, {
    scope: scopeOfVillage(r.village_id),
    dto: {
      id: r.id, villageId: r.village_id, householdId: r.household_id, personId: r.person_id, kind: r.kind, source: r.source,
      occurredOn: r.occurred_on, documentNo: r.document_no, note: r.note, recorderId: r.recorder_id, state: r.state, createdAt: r.created_at,
      issuer: r.issuer, stateReason: r.state_reason,
      evidence: (photos.get(r.id) ?? []).map((p) => ({ hash: p.hash, takenAt: p.takenAt })),
    },
  }]));
}

async function creditKinds(db: Db, ids: readonly string[]): Promise<PulledRows<'creditKind'>> {
  const rows = await inChunks(ids, (c) => creditKindsByIds(db, c));
  return new Map(rows.map((r) => [r.id, { scope: scopeOfTownship(r.townshipId), dto: r }]));
}

const LOADERS: { [K in PulledEntity]: (db: Db, ids: readonly string[]) => Promise<PulledRows<K>> } = {
  village: villages,
  household: households,
  person: persons,
  entry: entries,
  catalogVersion: catalogVersions,
  indicator: indicators,
  creditRecord: creditRecords,
  creditKind: creditKinds,
};

/** The live rows of one entity with these ids; ids without a live row are absent from the map. */
export function loadPulledRows<K extends PulledEntity>(db: Db, entity: K, ids: readonly string[]): Promise<PulledRows<K>> {
  if (ids.length === 0) return Promise.resolve(new Map());
  return LOADERS[entity](db, ids);
}
