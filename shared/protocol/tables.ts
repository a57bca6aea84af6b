// Column lists of the pulled tables and the DTOs they decode into. The server encodes rows with
// these columns, in this order; the client decodes with the same lists (see encodeRows/decodeRows).
import type { EntryState } from '../domain/entry-state';
import type { RowTable, PulledEntity } from './sync';

export interface VillageDto { id: string; townshipId: string; code: string; name: string }
export interface HouseholdDto {
  id: string; villageId: string; householdNo: string; groupNo: number; headName: string;
  phone: string | null; status: string; consentPublic: boolean; version: number;
}
/** Persons as a phone sees them: never the ID number, only its last 4 digits. */
export interface PersonDto {
  id: string; householdId: string; villageId: string; name: string; relation: string;
  birthYear: number | null; isMinor: boolean; idLast4: string | null; version: number;
}
export interface EntryDto {
  id: string; villageId: string; householdId: string; personId: string | null;
  catalogVersionId: string; indicatorCode: string; occurredOn: string; points: number; note: string;
  recorderId: string; state: EntryState; reverses: string | null; createdAt: string;
}
export interface CatalogVersionDto {
  id: string; townshipId: string; version: number; name: string; effectiveFrom: string; status: string;
}
export interface IndicatorDto {
  id: string; catalogVersionId: string; code: string; category: string; nameZh: string; nameEn: string;
  sign: 1 | -1; pointsMin: number; pointsMax: number; capCount: number | null; capPeriod: string | null;
  evidenceRequired: boolean; subject: 'household' | 'person'; recorderRoles: string[]; sort: number;
}

export interface PulledDtos {
  village: VillageDto; household: HouseholdDto; person: PersonDto; entry: EntryDto;
  catalogVersion: CatalogVersionDto; indicator: IndicatorDto;
}

export const PULLED_COLUMNS: { [K in PulledEntity]: readonly (keyof PulledDtos[K])[] } = {
  village: ['id', 'townshipId', 'code', 'name'],
  household: ['id', 'villageId', 'householdNo', 'groupNo', 'headName', 'phone', 'status', 'consentPublic', 'version'],
  person: ['id', 'householdId', 'villageId', 'name', 'relation', 'birthYear', 'isMinor', 'idLast4', 'version'],
  entry: [
    'id', 'villageId', 'householdId', 'personId', 'catalogVersionId', 'indicatorCode', 'occurredOn',
    'points', 'note', 'recorderId', 'state', 'reverses', 'createdAt',
  ],
  catalogVersion: ['id', 'townshipId', 'version', 'name', 'effectiveFrom', 'status'],
  indicator: [
    'id', 'catalogVersionId', 'code', 'category', 'nameZh', 'nameEn', 'sign', 'pointsMin', 'pointsMax',
    'capCount', 'capPeriod', 'evidenceRequired', 'subject', 'recorderRoles', 'sort',
  ],
};

export function encodeRows<K extends PulledEntity>(entity: K, items: PulledDtos[K][]): RowTable {
  const cols = PULLED_COLUMNS[entity] as readonly string[];
  return { cols: [...cols], rows: items.map((it) => cols.map((c) => (it as unknown as Record<string, unknown>)[c] ?? null)) };
}

/** Decodes by the column names the server sent, so a reordered or extended table still decodes. */
export function decodeRows<K extends PulledEntity>(_entity: K, table: RowTable): PulledDtos[K][] {
  return table.rows.map((row) => {
    const out: Record<string, unknown> = {};
    table.cols.forEach((c, i) => { out[c] = row[i]; });
    return out as unknown as PulledDtos[K];
  });
}
