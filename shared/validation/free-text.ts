// Free text that people other than its writer read: objection grounds and resolution reasons
// (security.md "Input", guardrail 6). Same hygiene as names (shared/validation/name.ts) but
// newlines are allowed, and a text that carries an ID number is refused: grounds are shown to the
// committee and the reason to the objector, and an ID number must never be stored in clear.
export type FreeTextErrorCode = 'empty' | 'too_short' | 'too_long' | 'control' | 'bidi' | 'chars' | 'id_number';

export type FreeTextResult =
  | { ok: true; value: string }
  | { ok: false; code: FreeTextErrorCode; message: string };

const ZERO_WIDTH = /[\u200B-\u200D\uFEFF\u2060]/gu;
/** C0/C1 controls and the line/paragraph separators; newlines and tabs are normalised before the test. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/u;
const LONE_SURROGATE = /\p{Cs}/u;
/** 15 or 18 character mainland ID numbers (or anything shaped like one): 15+ digits in a row, or 17 digits and X. */
const ID_LIKE = /\d{15,}|\d{17}[Xx]/u;

export interface FreeTextRules { min: number; max: number; what: string }

export function normalizeFreeText(raw: string, rules: FreeTextRules): FreeTextResult {
  const fail = (code: FreeTextErrorCode, message: string): FreeTextResult => ({ ok: false, code, message });
  const v = raw.normalize('NFC').replace(ZERO_WIDTH, '').replace(/\r\n?/gu, '\n').replace(/\t/gu, ' ');
  if (CONTROL.test(v.replace(/\n/gu, ''))) return fail('control', `${rules.what}中含有不可见的控制字符`);
  if (BIDI.test(v)) return fail('bidi', `${rules.what}中含有文字方向控制字符`);
  if (LONE_SURROGATE.test(v)) return fail('chars', `${rules.what}中含有无效字符`);
  // Spaces inside a line collapse; at most one empty line between paragraphs.
  const value = v.split('\n').map((l) => l.trim().replace(/ +/gu, ' ')).join('\n').replace(/\n{3,}/gu, '\n\n').trim();
  const length = [...value].length;
  if (length === 0) return fail('empty', `请填写${rules.what}`);
  if (length < rules.min) return fail('too_short', `${rules.what}至少${rules.min}个字`);
  if (length > rules.max) return fail('too_long', `${rules.what}不能超过${rules.max}个字`);
  if (ID_LIKE.test(value.replace(/[\s-]/gu, ''))) return fail('id_number', `${rules.what}中不能填写身份证号`);
  return { ok: true, value };
}

export const GROUNDS_RULES: FreeTextRules = { min: 4, max: 500, what: '异议理由' };
export const RESOLUTION_REASON_RULES: FreeTextRules = { min: 2, max: 500, what: '处理理由' };
