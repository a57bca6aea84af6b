// Column lists of the pulled tables, the DTOs they decode into, and the ONE encoding of pulled
// rows on the wire (encodeRows on the server, decodeRows on the phone). docs/sync-protocol.md
// "Page encoding" describes the format for other clients.
//
// A table is sent column by column, each column in the most compact of a few encodings (a
// constant, a dictionary, a sparse list, UUIDs as time deltas plus hex, instants and dates as
// deltas), chosen per column and page by the encoder. Columns of repeated or slowly changing
// values turn into long runs of small numbers, which gzip shrinks far better than rows of
// repeated 36-character ids. Rows are sent ordered by `id` (for UUIDv7 ids: creation order),
// which is what makes the deltas small; the order carries no meaning.
import type { EntryState } from '../domain/entry-state';
import type { EncodedColumn, PulledEntity, RowTable } from './sync';

export interface VillageDto { id: string; townshipId: string; code: string; name: string }
export interface HouseholdDto {
  id: string; villageId: string; householdNo: string; groupNo: number; headName: string;
  phone: string | null; status: string; consentPublic: boolean; version: number;
}
/** Persons as a phone sees them: never the ID number, only its last 4 digits. */
export interface PersonDto {
  id: string; householdId: string; villageId: string; name: string; relation: string;
  birthYear: number | null; isMinor: boolean; idLast4: string | null; version: number;
  /** Added for the household page (issue 13); rows stored by an older pull lack it. Shown masked. */
  phone: string | null;
}
export interface EntryDto {
  id: string; villageId: string; householdId: string; personId: string | null;
  catalogVersionId: string; indicatorCode: string; occurredOn: string; points: number; note: string;
  recorderId: string; state: EntryState; reverses: string | null; createdAt: string;
  /** Why the entry is in its state: the reason of its last state change (a return, a rejection), else ''. */
  stateReason: string;
  /** 1 when recorded; +1 per correction resubmitted after a return (earlier versions are kept on the server). */
  revision: number;
}
export interface CatalogVersionDto {
  id: string; townshipId: string; version: number; name: string; effectiveFrom: string; status: string;
}
export interface IndicatorDto {
  id: string; catalogVersionId: string; code: string; category: string; nameZh: string; nameEn: string;
  sign: 1 | -1; pointsMin: number; pointsMax: number; capCount: number | null; capPeriod: string | null;
  evidenceRequired: boolean; subject: 'household' | 'person'; recorderRoles: string[]; sort: number;
}

/** A credit-information record (field-entry): its own ledger, never mixed with entries. */
export interface CreditRecordDto {
  id: string; villageId: string; householdId: string; personId: string | null; kind: string; source: string;
  occurredOn: string; documentNo: string; note: string; recorderId: string; state: string; createdAt: string;
  /** Added (issue 7): the court or office that issued the document; rows stored by an older pull lack it. */
  issuer?: string;
  /** Added (issue 7): why the record is rejected or returned (the reason of its last state change), else ''. */
  stateReason?: string;
  /**
   * Added (issue 7): the record's photos (by SHA-256, in the order taken), fetched online from
   * GET /api/evidence/<hash> by staff of the village; [] when none. Never a place (guardrail 7).
   * Rows stored by an older pull lack it.
   */
  evidence?: CreditPhotoDto[];
}

/** A photo of a credit record as phones pull it: its address and when it was taken. */
export interface CreditPhotoDto { hash: string; takenAt: string }

/**
 * A credit kind of the township's list (issue 7; township scope). Only townships that changed the
 * list have rows: a phone without any for its township uses the built-in defaults
 * (shared/domain/credit.ts CREDIT_KIND_RULES).
 */
export interface CreditKindDto {
  id: string; townshipId: string; code: string; nameZh: string; nameEn: string; negative: boolean;
  documentRequired: boolean; sources: string[]; active: boolean; sort: number;
}

export interface PulledDtos {
  village: VillageDto; household: HouseholdDto; person: PersonDto; entry: EntryDto;
  catalogVersion: CatalogVersionDto; indicator: IndicatorDto; creditRecord: CreditRecordDto; creditKind: CreditKindDto;
}

/**
 * What a column holds; it decides which encodings the encoder tries. `uuid`: canonical lower-case
 * UUID text (or null); `date`: 'YYYY-MM-DD'; `time`: an ISO instant as Date#toISOString writes it.
 * A value that does not fit its kind is still sent exactly (the encoder falls back to plain values).
 */
export type ColumnKind = 'uuid' | 'text' | 'int' | 'bool' | 'date' | 'time' | 'json';

export const PULLED_SCHEMA: { [K in PulledEntity]: { readonly [C in keyof PulledDtos[K]]: ColumnKind } } = {
  village: { id: 'uuid', townshipId: 'uuid', code: 'text', name: 'text' },
  household: {
    id: 'uuid', villageId: 'uuid', householdNo: 'text', groupNo: 'int', headName: 'text', phone: 'text',
    status: 'text', consentPublic: 'bool', version: 'int',
  },
  person: {
    id: 'uuid', householdId: 'uuid', villageId: 'uuid', name: 'text', relation: 'text', birthYear: 'int',
    isMinor: 'bool', idLast4: 'text', version: 'int', phone: 'text',
  },
  entry: {
    id: 'uuid', villageId: 'uuid', householdId: 'uuid', personId: 'uuid', catalogVersionId: 'uuid',
    indicatorCode: 'text', occurredOn: 'date', points: 'int', note: 'text', recorderId: 'uuid', state: 'text',
    reverses: 'uuid', createdAt: 'time', stateReason: 'text', revision: 'int',
  },
  catalogVersion: { id: 'uuid', townshipId: 'uuid', version: 'int', name: 'text', effectiveFrom: 'date', status: 'text' },
  indicator: {
    id: 'uuid', catalogVersionId: 'uuid', code: 'text', category: 'text', nameZh: 'text', nameEn: 'text', sign: 'int',
    pointsMin: 'int', pointsMax: 'int', capCount: 'int', capPeriod: 'text', evidenceRequired: 'bool', subject: 'text',
    recorderRoles: 'json', sort: 'int',
  },
  creditRecord: {
    id: 'uuid', villageId: 'uuid', householdId: 'uuid', personId: 'uuid', kind: 'text', source: 'text',
    occurredOn: 'date', documentNo: 'text', note: 'text', recorderId: 'uuid', state: 'text', createdAt: 'time',
    issuer: 'text', stateReason: 'text', evidence: 'json',
  },
  creditKind: {
    id: 'uuid', townshipId: 'uuid', code: 'text', nameZh: 'text', nameEn: 'text', negative: 'bool', documentRequired: 'bool',
    sources: 'json', active: 'bool', sort: 'int',
  },
};

export const PULLED_COLUMNS = Object.fromEntries(
  Object.entries(PULLED_SCHEMA).map(([entity, kinds]) => [entity, Object.keys(kinds)]),
) as unknown as { [K in PulledEntity]: readonly (keyof PulledDtos[K])[] };

// ---------------------------------------------------------------------------------------------
// Encoding

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The 48-bit time field of a UUID (UUIDv7: Unix milliseconds); any UUID has one. */
const uuidTime = (u: string) => parseInt(u.slice(0, 8) + u.slice(9, 13), 16);

/** Encodes rows of one pulled entity into a compact column table (sorted by id). */
export function encodeRows<K extends PulledEntity>(entity: K, items: readonly PulledDtos[K][]): RowTable {
  const kinds = PULLED_SCHEMA[entity] as Record<string, ColumnKind>;
  const rows = [...items] as unknown as Record<string, unknown>[];
  rows.sort((a, b) => compareIds(a.id, b.id));
  const cols: Record<string, EncodedColumn> = {};
  let idTimes: number[] | null | undefined;
  for (const [name, kind] of Object.entries(kinds)) {
    const values = rows.map((r) => (r[name] === undefined ? null : r[name]));
    if (name !== 'id' && kind === 'time' && idTimes === undefined) idTimes = idTimesOf(rows);
    cols[name] = encodeColumn(values, kind, name !== 'id' && kind === 'time' ? idTimes ?? null : null);
  }
  return { n: rows.length, cols };
}

function compareIds(a: unknown, b: unknown): number {
  const x = String(a), y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function idTimesOf(rows: Record<string, unknown>[]): number[] | null {
  const ids = rows.map((r) => r.id);
  return ids.every((id) => typeof id === 'string' && UUID_RE.test(id)) ? (ids as string[]).map(uuidTime) : null;
}

/** The shortest (as JSON) of the encodings that fit the values; JSON length stands in for gzip size. */
function encodeColumn(values: unknown[], kind: ColumnKind, idTimes: number[] | null): EncodedColumn {
  if (values.length === 0) return ['v', []];
  // One pass: how often each value occurs (null included), keyed by the value itself (JSON text
  // for arrays and objects, which only `json` columns hold).
  const keys = kind === 'json' ? values.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)) : values;
  const counts = new Map<unknown, { value: unknown; n: number }>();
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) nulls++;
    const c = counts.get(keys[i]);
    if (c) c.n++;
    else counts.set(keys[i], { value: values[i], n: 1 });
  }
  if (values.length > 0 && counts.size === 1) return ['c', values[0]];
  const candidates: EncodedColumn[] = [['v', values]];
  const distinct = counts.size - (nulls > 0 ? 1 : 0);
  if (nulls === 0) {
    // UUIDs one by one cost at least 21 characters a row (19 hex digits, a delta and two commas).
    // With fewer than a third as many distinct UUIDs, a dictionary costs at most 36 per distinct
    // one plus an index of ≤ 5 per row, under 17 a row: always smaller, so the pass is skipped.
    if (kind === 'uuid' && distinct * 3 >= values.length) {
      const u = encodeUuids(values);
      if (u) candidates.push(u);
    } else if (kind === 'time') {
      candidates.push(...encodeTimes(values, idTimes));
    } else if (kind === 'date') {
      const y = encodeDates(values);
      if (y) candidates.push(y);
    }
  }
  if (distinct < values.length - nulls) candidates.push(encodeDictionary(values, keys, counts, kind));
  let top = { key: keys[0], value: values[0], n: 0 };
  for (const [key, c] of counts) if (c.n > top.n) top = { key, value: c.value, n: c.n };
  if (top.n * 2 > values.length) candidates.push(encodeSparse(values, keys, top, kind));
  return smallest(candidates);
}

function smallest(candidates: EncodedColumn[]): EncodedColumn {
  let best = candidates[0];
  let bestSize = jsonSize(best);
  for (let i = 1; i < candidates.length; i++) {
    const size = jsonSize(candidates[i]);
    if (size < bestSize) {
      best = candidates[i];
      bestSize = size;
    }
  }
  return best;
}

/** Length of JSON.stringify(v), closely enough to compare candidates, without building the text. */
function jsonSize(v: unknown): number {
  if (v === null) return 4;
  switch (typeof v) {
    case 'string': return v.length + 2;
    case 'boolean': return v ? 4 : 5;
    case 'number': return Number.isInteger(v) && Math.abs(v) < 1e15 ? (v < 0 ? 1 : 0) + (v === 0 ? 1 : Math.floor(Math.log10(Math.abs(v))) + 1) : String(v).length;
  }
  if (Array.isArray(v)) {
    let n = 1 + Math.max(0, v.length - 1) + 1;
    for (const x of v) n += jsonSize(x);
    return n;
  }
  return JSON.stringify(v)?.length ?? 0;
}

/** ['u', version digit shared by all ('' if not), time deltas, the other hex digits]. */
function encodeUuids(values: unknown[]): EncodedColumn | null {
  if (!values.every((v) => typeof v === 'string' && UUID_RE.test(v))) return null;
  const ids = values as string[];
  const version = ids.every((u) => u[14] === ids[0][14]) ? ids[0][14] : '';
  const deltas: number[] = [];
  const rest: string[] = [];
  let prev = 0;
  for (const u of ids) {
    const t = uuidTime(u);
    deltas.push(t - prev);
    prev = t;
    const hex = u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
    rest.push(version ? hex.slice(1) : hex);
  }
  return ['u', version, deltas, rest.join('')];
}

/** ['t', null, deltas from the previous row] or ['t', 'id', offsets from the row's UUIDv7 time]. */
function encodeTimes(values: unknown[], idTimes: number[] | null): EncodedColumn[] {
  const ms: number[] = [];
  for (const v of values) {
    const t = typeof v === 'string' ? canonicalInstantMs(v) : NaN;
    if (Number.isNaN(t)) return [];
    ms.push(t);
  }
  let prev = 0;
  const out: EncodedColumn[] = [['t', null, ms.map((t) => { const d = t - prev; prev = t; return d; })]];
  if (idTimes) out.push(['t', 'id', ms.map((t, i) => t - idTimes[i])]);
  return out;
}

const digit = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const digits = (s: string, from: number, n: number) => {
  let x = 0;
  for (let i = from; i < from + n; i++) x = x * 10 + digit(s, i);
  return x;
};
const daysInMonth = (y: number, m: number) => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/**
 * The instant of `v` in ms if `v` is exactly what Date#toISOString writes for it
 * ('YYYY-MM-DDTHH:MM:SS.mmmZ', years 0000–9999), else NaN. The same test as
 * `new Date(Date.parse(v)).toISOString() === v`, which costs two date conversions a value and was
 * the largest part of encoding a page of entries; pulls encode every entry once per phone.
 */
export function canonicalInstantMs(v: string): number {
  if (v.length !== 24 || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== '.' || v[23] !== 'Z') return NaN;
  const y = digits(v, 0, 4), mo = digits(v, 5, 2), d = digits(v, 8, 2);
  const h = digits(v, 11, 2), mi = digits(v, 14, 2), sec = digits(v, 17, 2), milli = digits(v, 20, 3);
  // NaN fails every comparison below.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && sec <= 59 && milli >= 0)) return NaN;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + milli;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ['y', day-number deltas from the previous row (the first from 1970-01-01)]. */
function encodeDates(values: unknown[]): EncodedColumn | null {
  const deltas: number[] = [];
  let prev = 0;
  for (const v of values) {
    if (typeof v !== 'string' || !DATE_RE.test(v)) return null;
    const t = Date.parse(`${v}T00:00:00.000Z`);
    if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== v) return null;
    const day = t / DAY_MS;
    deltas.push(day - prev);
    prev = day;
  }
  return ['y', deltas];
}

/** ['d', the distinct non-null values (themselves encoded), index per row, -1 for null]. */
function encodeDictionary(values: unknown[], keys: unknown[], counts: Map<unknown, { value: unknown; n: number }>, kind: ColumnKind): EncodedColumn {
  const entries = [...counts.entries()].filter(([, c]) => c.value !== null);
  // UUIDs sorted (small time deltas), anything else most frequent first (short indexes).
  if (kind === 'uuid') entries.sort((a, b) => compareIds(a[1].value, b[1].value));
  else entries.sort((a, b) => b[1].n - a[1].n);
  const index = new Map(entries.map(([k], i) => [k, i]));
  const dict = entries.map(([, c]) => c.value);
  const idx = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) idx[i] = values[i] === null ? -1 : index.get(keys[i])!;
  return ['d', encodeColumn(dict, kind, null), idx];
}

/** ['s', default, gaps between the rows that differ (row-index deltas), their values encoded]. */
function encodeSparse(values: unknown[], keys: unknown[], top: { key: unknown; value: unknown }, kind: ColumnKind): EncodedColumn {
  const gaps: number[] = [];
  const others: unknown[] = [];
  let prev = -1;
  for (let i = 0; i < values.length; i++) {
    if (keys[i] === top.key) continue;
    gaps.push(i - prev);
    prev = i;
    others.push(values[i]);
  }
  return ['s', top.value, gaps, encodeColumn(others, kind, null)];
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes by the column names the server sent: a column this phone does not know is kept as is
 * (harmless), one it expects but did not get stays undefined.
 */
export function decodeRows<K extends PulledEntity>(_entity: K, table: RowTable): PulledDtos[K][] {
  const n = table.n;
  const out: Record<string, unknown>[] = Array.from({ length: n }, () => ({}));
  const decoded = new Map<string, unknown[]>();
  const column = (name: string): unknown[] => {
    let values = decoded.get(name);
    if (!values) {
      const col = table.cols[name];
      if (!col) throw new Error(`column ${name} missing`);
      values = decodeColumn(col, n, column);
      decoded.set(name, values);
    }
    return values;
  };
  for (const name of Object.keys(table.cols)) {
    const values = column(name);
    for (let i = 0; i < n; i++) out[i][name] = values[i];
  }
  return out as unknown as PulledDtos[K][];
}

function decodeColumn(col: EncodedColumn, n: number, column: (name: string) => unknown[]): unknown[] {
  switch (col[0]) {
    case 'c':
      return new Array<unknown>(n).fill(col[1]);
    case 'v':
      return lengthChecked(col[1], n);
    case 'u': {
      const [, version, deltas, rest] = col;
      const width = version ? 19 : 20;
      const out: string[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        t += deltas[i];
        const time = t.toString(16).padStart(12, '0');
        const hex = version + rest.slice(i * width, (i + 1) * width);
        out.push(`${time.slice(0, 8)}-${time.slice(8)}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`);
      }
      return out;
    }
    case 't': {
      const [, base, deltas] = col;
      const bases = base === null ? null : (column(base) as string[]).map(uuidTime);
      const out: string[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        t = bases ? bases[i] + deltas[i] : t + deltas[i];
        out.push(new Date(t).toISOString());
      }
      return out;
    }
    case 'y': {
      const out: string[] = [];
      let day = 0;
      for (let i = 0; i < n; i++) {
        day += col[1][i];
        out.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
      }
      return out;
    }
    case 'd': {
      const [, dictCol, index] = col;
      // Every dictionary value is used by some row, so the largest index gives its length.
      let size = 0;
      for (const i of index) if (i >= size) size = i + 1;
      const dict = decodeColumn(dictCol, size, column);
      return lengthChecked(index, n).map((i) => (i === -1 ? null : dict[i]));
    }
    case 's': {
      const [, fallback, gaps, othersCol] = col;
      const others = decodeColumn(othersCol, gaps.length, column);
      const out = new Array<unknown>(n).fill(fallback);
      let at = -1;
      gaps.forEach((gap, j) => {
        at += gap;
        out[at] = others[j];
      });
      return out;
    }
    default:
      throw new Error(`unknown column encoding ${String((col as unknown[])[0])}`);
  }
}

function lengthChecked<T>(values: T[], n: number): T[] {
  if (values.length !== n) throw new Error(`column of ${values.length} values in a table of ${n} rows`);
  return values;
}
