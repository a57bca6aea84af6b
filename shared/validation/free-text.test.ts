import { describe, expect, it } from 'vitest';
import { GROUNDS_RULES, normalizeFreeText } from './free-text';

describe('normalizeFreeText (objection grounds)', () => {
  it.each([
    ['  当天  不在村里 ', { ok: true, value: '当天 不在村里' }],
    ['第一行\r\n\r\n\r\n第二行', { ok: true, value: '第一行\n\n第二行' }],
    ['有\u200B零宽字符', { ok: true, value: '有零宽字符' }],
    ['', { ok: false, code: 'empty' }],
    ['短', { ok: false, code: 'too_short' }],
    ['x'.repeat(501), { ok: false, code: 'too_long' }],
    ['含有\u0007响铃字符', { ok: false, code: 'control' }],
    ['方向\u202E控制字符', { ok: false, code: 'bidi' }],
    ['我的身份证 11010519491231002X', { ok: false, code: 'id_number' }],
    ['号码 110105 19491231 002x', { ok: false, code: 'id_number' }],
    ['旧证 110105491231002', { ok: false, code: 'id_number' }],
    ['电话13900000000联系我', { ok: true, value: '电话13900000000联系我' }],
  ])('%j', (raw, want) => {
    expect(normalizeFreeText(raw, GROUNDS_RULES)).toMatchObject(want);
  });
  it('says what is wrong in Chinese', () => {
    expect(normalizeFreeText('', GROUNDS_RULES)).toMatchObject({ message: '请填写异议理由' });
  });
});
