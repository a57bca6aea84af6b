// The pulled-table encoding (encodeRows / decodeRows): exact round trips, whatever the values.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalInstantMs, decodeRows, encodeRows, PULLED_COLUMNS, type EntryDto, type HouseholdDto, type IndicatorDto } from './tables';
import type { RowTable } from './sync';

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
/** What a phone stores: JSON on the wire, then decoded. */
const wire = (t: RowTable): RowTable => JSON.parse(JSON.stringify(t)) as RowTable;

const V = '0190a000-0000-7000-8000-00000000000v'.replace('v', 'a');
const entry = (over: Partial<EntryDto>): EntryDto => ({
  id: '0190a000-0001-7000-8000-000000000001', villageId: V, householdId: '0190a000-0000-7000-8000-0000000000b1', personId: null,
  catalogVersionId: '0190a000-0000-7000-8000-0000000000c1', indicatorCode: 'B02', occurredOn: '2025-06-14', points: 5, note: '',
  recorderId: '0190a000-0000-7000-8000-0000000000d1', state: 'submitted', reverses: null, createdAt: '2025-06-15T04:00:00.000Z', stateReason: '', revision: 1, ...over,
});

describe('encodeRows / decodeRows', () => {
  it('round-trips entries, ordered by id, and packs repeated columns', () => {
    const rows = Array.from({ length: 50 }, (_, i) => entry({
      id: `0190a0${String(99 - i).padStart(2, '0')}-0001-7000-8000-${String(i).padStart(12, '0')}`,
      householdId: `0190a000-0000-7000-8000-0000000000b${i % 3}`,
      personId: i % 4 === 0 ? `0190a000-0000-7000-8000-0000000000e${i % 2}` : null,
      occurredOn: `2025-06-${String(1 + (i % 28)).padStart(2, '0')}`,
      note: i % 7 === 0 ? '帮助邻居收玉米' : '', points: i % 5 === 0 ? -3 : 2, createdAt: new Date(Date.UTC(2025, 5, 15, 4, i)).toISOString(),
    }));
    const t = encodeRows('entry', rows);
    expect(t.n).toBe(50);
    expect(t.cols.villageId).toEqual(['c', V]);
    expect(t.cols.reverses).toEqual(['c', null]);
    expect(t.cols.id[0]).toBe('u');
    expect(decodeRows('entry', wire(t))).toEqual(byId(rows));
  });

  it('round-trips values that do not fit their kind (sent as plain values)', () => {
    const rows = [
      entry({ id: 'not-a-uuid', createdAt: '2025-06-15 04:00', occurredOn: '2025-02-30', householdId: 'H1' }),
      entry({ id: '0190A000-0000-7000-8000-00000000000F', createdAt: '2025-06-15T04:00:00Z', occurredOn: '25-6-1' }),
      entry({ id: '0190a000-0000-1000-8000-000000000001', reverses: '0190a000-0001-7000-8000-000000000001', note: '"引号"\n\\' }),
    ];
    expect(decodeRows('entry', wire(encodeRows('entry', rows)))).toEqual(byId(rows));
  });

  it('round-trips UUIDs of mixed versions, times before their ids, and a single row', () => {
    const rows = [
      entry({ id: '0190a000-0000-4000-8000-000000000001', createdAt: '2001-01-01T00:00:00.000Z' }),
      entry({ id: 'ffffffff-ffff-7fff-bfff-ffffffffffff', createdAt: '1970-01-01T00:00:00.000Z' }),
    ];
    expect(decodeRows('entry', wire(encodeRows('entry', rows)))).toEqual(byId(rows));
    expect(decodeRows('entry', wire(encodeRows('entry', [rows[0]])))).toEqual([rows[0]]);
    expect(encodeRows('entry', [])).toEqual({ n: 0, cols: expect.any(Object) });
    expect(decodeRows('entry', wire(encodeRows('entry', [])))).toEqual([]);
  });

  it('round-trips households and indicators (booleans, arrays, nullable numbers)', () => {
    const households: HouseholdDto[] = Array.from({ length: 30 }, (_, i) => ({
      id: `0190a000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`, villageId: V, householdNo: String(i + 1).padStart(4, '0'),
      groupNo: 1 + Math.floor(i / 10), headName: ['王建国', '李秀英', '张伟'][i % 3], phone: i % 4 ? `1381234${String(i).padStart(4, '0')}` : null,
      status: i === 3 ? 'moved-out' : 'active', consentPublic: i % 2 === 0, version: i === 5 ? 3 : 1,
    }));
    expect(decodeRows('household', wire(encodeRows('household', households)))).toEqual(byId(households));
    const indicators: IndicatorDto[] = [0, 1, 2].map((i) => ({
      id: `0190a000-0000-7000-8000-0000000002${i}0`, catalogVersionId: V, code: `A0${i}`, category: '社会公德', nameZh: '名称', nameEn: 'Name',
      sign: i === 2 ? -1 : 1, pointsMin: 2, pointsMax: 2 + i, capCount: i ? null : 4, capPeriod: i ? null : 'month', evidenceRequired: i === 2,
      subject: i ? 'household' : 'person', recorderRoles: i === 1 ? ['committee'] : ['collector', 'committee'], sort: i * 10,
    }));
    expect(decodeRows('indicator', wire(encodeRows('indicator', indicators)))).toEqual(byId(indicators));
  });

  it('decodes by column name: an unknown column is kept, column order does not matter', () => {
    const t = encodeRows('household', [{
      id: V, villageId: V, householdNo: '1', groupNo: 1, headName: '王', phone: null, status: 'active', consentPublic: true, version: 1,
    }]);
    const reordered: RowTable = { n: t.n, cols: Object.fromEntries([...Object.entries(t.cols)].reverse().concat([['extra', ['c', 7]]])) };
    expect(decodeRows('household', reordered)).toEqual([{ ...decodeRows('household', t)[0], extra: 7 }]);
    expect(Object.keys(t.cols)).toEqual([...PULLED_COLUMNS.household]);
  });

  it('round-trips any entries (property)', () => {
    const uuid = fc.oneof(fc.uuid(), fc.constantFrom('0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002'));
    const day = fc.integer({ min: -1000, max: 40000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    const time = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((t) => new Date(t).toISOString());
    const text = fc.oneof(fc.constant(''), fc.string(), fc.constantFrom('拾金不昧', '村规民约第5条'));
    const arb = fc.uniqueArray(fc.record({
      id: fc.oneof(fc.uuid(), fc.string({ minLength: 1 })), villageId: uuid, householdId: uuid, personId: fc.option(uuid),
      catalogVersionId: uuid, indicatorCode: fc.constantFrom('A01', 'B02', 'C08'), occurredOn: fc.oneof(day, fc.string()),
      points: fc.integer({ min: -1000, max: 1000 }), note: text, recorderId: uuid,
      state: fc.constantFrom('submitted', 'approved', 'effective'), reverses: fc.option(uuid), createdAt: fc.oneof(time, fc.string()),
      stateReason: text, revision: fc.integer({ min: 1, max: 50 }),
    }), { selector: (e) => e.id, maxLength: 60 });
    fc.assert(fc.property(arb, (rows) => {
      const entries = rows as EntryDto[];
      expect(decodeRows('entry', wire(encodeRows('entry', entries)))).toEqual(byId(entries));
    }), { numRuns: 300 });
  });
});

// The encoder's test "is this exactly what Date#toISOString writes?" without two date conversions
// a value: it must agree with the round trip it replaces, for canonical and near-canonical text.
describe('canonicalInstantMs', () => {
  const roundTrip = (v: string) => {
    const t = Date.parse(v);
    return Number.isFinite(t) && new Date(t).toISOString() === v ? t : NaN;
  };
  it.each([
    '2026-12-04T18:31:04.000Z', '1970-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '0099-03-01T12:00:00.999Z',
    '2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-02-30T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z', '2026-12-01T24:00:00.000Z', '2026-12-01T23:60:00.000Z', '2026-12-01T23:59:60.000Z',
    '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-12-00T00:00:00.000Z', '2026-12-01T00:00:00.000+', '2026-12-01 00:00:00.000Z',
    '2026-12-01T00:00:00Z', '2026-12-01T00:00:00.0000Z', '+02026-12-01T00:00:00.000Z', '2026-1a-01T00:00:00.000Z', '２０２６-12-01T00:00:00.000Z', '',
  ])('%j as the Date round trip says', (v) => {
    expect(canonicalInstantMs(v)).toBe(roundTrip(v));
  });
  it('agrees with the round trip on any instant of years 0–9999 and on random text', () => {
    fc.assert(fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (t) => {
      const v = new Date(t).toISOString();
      expect(canonicalInstantMs(v)).toBe(t);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ minLength: 20, maxLength: 26 }), (v) => {
      expect(canonicalInstantMs(v)).toBe(roundTrip(v));
    }), { numRuns: 2000 });
  });
});
