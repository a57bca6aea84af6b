import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  idNumberCheckChar, idNumberLast4, makeSyntheticIdNumber, maskIdNumber, normalizeIdNumber,
  PERMANENT_RESIDENCE_NAME, PROVINCE_NAMES, upgradeLegacyIdNumber, validateIdNumber,
} from './id-number';

const TODAY = '2025-06-15';
const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);

describe('normalizeIdNumber', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X'],
    ['11010519491231002x', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２ｘ', '11010519491231002X'],
    [' 110105 19491231 002X ', '11010519491231002X'],
    ['110105\u300019491231\t002X\n', '11010519491231002X'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeIdNumber(raw)).toBe(expected);
  });
});

describe('idNumberCheckChar', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['44052419800101001', '3'],
    ['37028319900101123', '5'],
    ['00000000000000000', '1'], // sum 0 → "10X98765432"[0]
  ])('%s → %s', (first17, expected) => {
    expect(idNumberCheckChar(first17)).toBe(expected);
  });

  it.each(['1101051949123100', '110105194912310021', '1101051949123100X', ''])('rejects %j', (bad) => {
    expect(() => idNumberCheckChar(bad)).toThrow(RangeError);
  });
});

describe('validateIdNumber', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X', '1949-12-31', '11'],
    ['11010519491231002x', '11010519491231002X', '1949-12-31', '11'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X', '1949-12-31', '11'],
    ['110105 1949 1231 002X', '11010519491231002X', '1949-12-31', '11'],
    ['440524198001010013', '440524198001010013', '1980-01-01', '44'],
    [makeSyntheticIdNumber('370283', '20000229', 123), makeSyntheticIdNumber('370283', '20000229', 123), '2000-02-29', '37'],
    [makeSyntheticIdNumber('820000', '20250615', 1), makeSyntheticIdNumber('820000', '20250615', 1), '2025-06-15', '82'],
  ])('accepts %j', (raw, value, birthDate, province) => {
    const r = validateIdNumber(raw, TODAY);
    expect(r).toMatchObject({ ok: true, value, birthDate, province, converted: false });
    if (r.ok) expect(r.provinceName).toBe(PROVINCE_NAMES[province]);
  });

  // Residence permits, the permanent-residence card and county codes nobody keeps a table of.
  it.each([
    ['Hong Kong residence permit (81)', makeSyntheticIdNumber('810000', '19850312', 41), '81', '香港'],
    ['Macao residence permit (82)', makeSyntheticIdNumber('820000', '19920101', 22), '82', '澳门'],
    ['Taiwan residence permit (83)', makeSyntheticIdNumber('830000', '19700705', 13), '83', '台湾'],
    ['permanent-residence card 91…', withCheck('91344019800101123'), '91', PERMANENT_RESIDENCE_NAME],
    ['permanent-residence card 93…', withCheck('93156019950630001'), '93', PERMANENT_RESIDENCE_NAME],
    ['county code not in any table (370299)', withCheck('37029919600101001'), '37', '山东'],
    ['unknown county 0000', withCheck('37000019600101001'), '37', '山东'],
    ['county 9999', withCheck('37999919600101001'), '37', '山东'],
    ['lower-case x as check char', withCheck('11010519491231002').replace('X', 'x'), '11', '北京'],
  ])('accepts %s', (_name, raw, province, provinceName) => {
    expect(validateIdNumber(raw, TODAY)).toMatchObject({ ok: true, value: normalizeIdNumber(raw), province, provinceName });
  });

  it.each([
    ['110105491231002', '11010519491231002X', '1949-12-31'],
    ['370283600101123', withCheck('37028319600101123'), '1960-01-01'],
    ['１１０１０５４９１２３１００２', '11010519491231002X', '1949-12-31'],
    ['110105 491231 002', '11010519491231002X', '1949-12-31'],
  ])('converts the legacy 15-digit %j to %s', (raw, value, birthDate) => {
    expect(validateIdNumber(raw, TODAY)).toMatchObject({ ok: true, value, birthDate, converted: true });
    expect(upgradeLegacyIdNumber(normalizeIdNumber(raw))).toBe(value);
  });

  it('says in Chinese what is wrong, naming the legacy form in the length message', () => {
    expect(validateIdNumber('12345', TODAY)).toMatchObject({ ok: false, code: 'length', message: expect.stringContaining('15位') });
    expect(validateIdNumber('110105194912310021', TODAY)).toMatchObject({ message: '身份证号码校验位不正确，请核对' });
  });

  // Each invalid number differs from a valid one only in what the case name says, with a
  // recomputed check character where needed, so the expected code is the only thing wrong.
  it.each([
    ['too short', '1101051949123100', 'length'],
    ['too long', '11010519491231002X1', 'length'],
    ['16 digits', '1101054912310021', 'length'],
    ['15 characters with an X', '11010549123100X', 'chars'],
    ['15-digit number with a bad date', '110105490230002', 'birth_date'],
    ['empty', '', 'length'],
    ['letter inside', '1101051949123A002X', 'chars'],
    ['X not last', '110105194912310X21', 'chars'],
    ['other letter last', '11010519491231002Y', 'chars'],
    ['hyphens', '110105-19491231002', 'chars'],
    ['unknown province 00', withCheck('00010519491231002'), 'province'],
    ['unknown province 10', withCheck('10010519491231002'), 'province'],
    ['unknown province 55', withCheck('55010519491231002'), 'province'],
    ['unknown province 84', withCheck('84000019491231002'), 'province'],
    ['unknown province 72', withCheck('72000019491231002'), 'province'],
    ['Feb 30 1949', withCheck('11010519490230002'), 'birth_date'],
    ['Feb 29 in a non-leap year', withCheck('11010519000229002'), 'birth_date'],
    ['Feb 29 2100-style century', withCheck('11010521000229002'), 'birth_date'],
    ['month 13', withCheck('11010519491331002'), 'birth_date'],
    ['month 00', withCheck('11010519490031002'), 'birth_date'],
    ['day 00', withCheck('11010519491200002'), 'birth_date'],
    ['April 31', withCheck('11010519490431002'), 'birth_date'],
    ['before 1900', withCheck('11010518991231002'), 'birth_date'],
    ['tomorrow', withCheck('11010520250616002'), 'birth_date'],
    ['next year', withCheck('11010520260101002'), 'birth_date'],
    ['bad check digit', '110105194912310021', 'check_digit'],
    ['bad check digit (X where 3 is expected)', '44052419800101001X', 'check_digit'],
    ['transposed digits', '11010519491213002X', 'check_digit'],
  ])('%s → %s', (_name, raw, code) => {
    const r = validateIdNumber(raw, TODAY);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/身份证/);
  });

  it.each([
    ['string day equal to the birth date', '2025-06-15', true],
    ['string day before the birth date', '2025-06-14', false],
    // 2025-06-14T16:30Z is 2025-06-15 00:30 in Beijing: the baby is born "today".
    ['Date just after midnight in Beijing', new Date('2025-06-14T16:30:00Z'), true],
    ['Date just before midnight in Beijing', new Date('2025-06-14T15:30:00Z'), false],
  ])('future check with today = %s', (_name, today, ok) => {
    expect(validateIdNumber(makeSyntheticIdNumber('110105', '20250615', 7), today).ok).toBe(ok);
  });

  it('defaults today to now (an old date passes, a far-future one fails)', () => {
    expect(validateIdNumber('11010519491231002X').ok).toBe(true);
    expect(validateIdNumber(makeSyntheticIdNumber('110105', '29991231', 7))).toMatchObject({ code: 'birth_date' });
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['370283199001011234', '370283********1234'],
    ['11010519491231002x', '110105********002X'],
    ['３７０２８３１９９００１０１１２３４', '370283********1234'],
    ['110105491231002', '110105*****1002'], // legacy 15-digit number
    ['1234', '********'],
    ['', '********'],
  ])('%j → %j', (raw, expected) => {
    expect(maskIdNumber(raw)).toBe(expected);
  });
});

describe('idNumberLast4', () => {
  it.each([
    ['370283199001011234', '1234'],
    ['11010519491231002x', '002X'],
  ])('%j → %j', (raw, expected) => {
    expect(idNumberLast4(raw)).toBe(expected);
  });
});

describe('makeSyntheticIdNumber', () => {
  it.each([
    ['110105', '19491231', 2, '11010519491231002X'],
    ['110105', '19491231', '002', '11010519491231002X'],
    ['440524', '19800101', 1, '440524198001010013'],
  ])('%s %s %s → %s', (area, birth, seq, expected) => {
    expect(makeSyntheticIdNumber(area, birth, seq)).toBe(expected);
  });

  it.each([
    ['area too short', '11010', '19491231', 1],
    ['unknown province', '000105', '19491231', 1],
    ['bad date', '110105', '19490230', 1],
    ['seq too big', '110105', '19491231', 1000],
    ['seq negative', '110105', '19491231', -1],
    ['seq not 3 chars', '110105', '19491231', '12'],
  ])('throws: %s', (_name, area, birth, seq) => {
    expect(() => makeSyntheticIdNumber(area, birth, seq)).toThrow(RangeError);
  });

  it('always produces a number that validates', () => {
    const provinces = Object.keys(PROVINCE_NAMES);
    fc.assert(fc.property(
      fc.constantFrom(...provinces), fc.integer({ min: 0, max: 9999 }),
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 999 }),
      (prov, area, birth, seq) => {
        const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
        const id = makeSyntheticIdNumber(prov + String(area).padStart(4, '0'), ymd, seq);
        expect(validateIdNumber(id, TODAY)).toMatchObject({ ok: true, value: id });
      },
    ));
  });
});
