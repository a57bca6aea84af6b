import { describe, expect, it } from 'vitest';
import { NAME_MAX_CHARS, normalizeName } from './name';

describe('normalizeName', () => {
  it.each([
    ['张三', '张三'],
    ['  张三  ', '张三'],
    ['\u3000王小明\u3000', '王小明'], // ideographic spaces
    ['张\u200B三', '张三'],
    ['\uFEFF李四\u2060', '李四'],
    ['赵\u200C\u200D六', '赵六'],
    ['Zhang   San', 'Zhang San'],
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['e\u0301', '\u00e9'], // NFC composes e + combining acute
    ['𠀀', '𠀀'], // one code point outside the BMP
    ['一'.repeat(NAME_MAX_CHARS), '一'.repeat(NAME_MAX_CHARS)],
    ['𠀀'.repeat(NAME_MAX_CHARS), '𠀀'.repeat(NAME_MAX_CHARS)], // 100 UTF-16 units, 50 characters
  ])('%j → %j', (raw, value) => {
    expect(normalizeName(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u200B\uFEFF', 'empty'],
    ['一'.repeat(NAME_MAX_CHARS + 1), 'too_long'],
    ['张三\n', 'control'],
    ['张\t三', 'control'],
    ['张\u0000三', 'control'],
    ['张\u0085三', 'control'],
    ['张\u2028三', 'control'],
    ['张\u202E三', 'bidi'],
    ['\u202A张三\u202C', 'bidi'],
    ['张\u2066三\u2069', 'bidi'],
    ['张\u200E三', 'bidi'],
    ['张\u200F三', 'bidi'],
    ['张\u061C三', 'bidi'],
    ['张\uD800三', 'chars'],
  ])('%j → %s', (raw, code) => {
    const r = normalizeName(raw);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/姓名/);
  });
});
