import { describe, expect, it } from 'vitest';
import { containsIdNumber, maskIdNumbersInText, NOTE_MAX_CHARS, normalizeNote } from './note';
import { makeSyntheticIdNumber } from './id-number';

const ID = makeSyntheticIdNumber('370283', '19900307', 123);
const FULL_WIDTH = [...ID].map((c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');

describe('normalizeNote', () => {
  it.each([
    ['', ''],
    ['  帮助孤寡老人打扫院子  ', '帮助孤寡老人打扫院子'],
    ['村规\u200B民约第三条', '村规民约第三条'],
    ['e\u0301', '\u00e9'],
    ['第一行\r\n第二行', '第一行\n第二行'],
    ['电话 13800138000', '电话 13800138000'], // a phone number is not an ID number
    ['处罚决定书 平公（治）决字〔2026〕123号', '处罚决定书 平公（治）决字〔2026〕123号'],
    ['账号 6222021234567890123', '账号 6222021234567890123'], // 19 digits: a bank card, not an ID
    ['一'.repeat(NOTE_MAX_CHARS), '一'.repeat(NOTE_MAX_CHARS)],
  ])('%j → %j', (raw, value) => {
    expect(normalizeNote(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['张\t三', 'note_control'],
    ['a\u0000b', 'note_control'],
    ['a\u2028b', 'note_control'],
    ['abc\u202Edef', 'note_bidi'],
    ['abc\u2066def', 'note_bidi'],
    ['\uD800', 'note_chars'],
    ['一'.repeat(NOTE_MAX_CHARS + 1), 'note_too_long'],
  ])('%j is refused: %s', (raw, code) => {
    const r = normalizeNote(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  describe('guardrail 6: a note that contains an ID number is refused with the reason', () => {
    it.each([
      [`身份证${ID}`],
      [`${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`], // typed in groups
      [`${ID.slice(0, 6)}-${ID.slice(6, 14)}-${ID.slice(14)}`],
      [`号码：${FULL_WIDTH}`], // full-width digits from a Chinese IME
      [`${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}`], // wrong check digit: still an ID number
      [`${makeSyntheticIdNumber('110105', '20010229'.replace('0229', '0228'), 7).replace(/X$/, 'x')}`],
    ])('%j', (raw) => {
      const r = normalizeNote(raw);
      expect(r).toMatchObject({ ok: false, code: 'note_id_number' });
      if (!r.ok) expect(r.message).toContain('身份证');
    });

    it('does not take other long numbers for one', () => {
      expect(containsIdNumber('990283199003071234')).toBe(false); // no such province
      expect(containsIdNumber('370283199013071234')).toBe(false); // month 13
      expect(containsIdNumber(`1${ID}`)).toBe(false); // part of a longer run
    });

    it('masks ID numbers that old notes still hold', () => {
      expect(maskIdNumbersInText(`身份证${ID}已核对`)).toBe(`身份证${ID.slice(0, 6)}********${ID.slice(-4)}已核对`);
      expect(maskIdNumbersInText('电话 13800138000')).toBe('电话 13800138000');
    });
  });
});
