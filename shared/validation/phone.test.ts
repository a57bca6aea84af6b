import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['138—1234—5678', '13812345678'],
    ['(138) 1234.5678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['＋８６１３８１２３４５６７８', '13812345678'],
    ['+86-13812345678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['\t19912345678\n', '19912345678'],
    ['16612345678', '16612345678'],
  ])('%j → %j', (raw, value) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'empty'],
    ['  - ', 'empty'],
    ['138abcd5678', 'chars'],
    ['+1 415 555 0100', 'chars'], // "+" of another country code stays and is not a digit
    ['138123456789', 'length'],
    ['1381234567', 'length'],
    ['010-12345678', 'not_mobile'], // a landline with its area code is also 11 digits
    ['01012345678', 'not_mobile'],
    ['12812345678', 'not_mobile'],
    ['23812345678', 'not_mobile'],
    ['86138123456', 'not_mobile'], // 11 digits starting 86: not stripped, not a mobile
    ['+8612345678', 'length'],
  ])('%j → %s', (raw, code) => {
    const r = normalizePhone(raw);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/手机号码/);
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812341234', '138****1234'],
    ['+86 138 1234 1234', '138****1234'],
    ['12345', '***********'],
    ['', '***********'],
  ])('%j → %j', (raw, expected) => {
    expect(maskPhone(raw)).toBe(expected);
  });
});
