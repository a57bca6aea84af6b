// Person names (security.md "Input"). Names are shown on public notices and printed lists, so
// invisible characters must not let two records look identical or reorder the text around them.

export const NAME_MAX_CHARS = 50;

export type NameErrorCode = 'empty' | 'too_long' | 'control' | 'bidi' | 'chars';

export type NameResult =
  | { ok: true; value: string }
  | { ok: false; code: NameErrorCode; message: string };

const MESSAGES: Record<NameErrorCode, string> = {
  empty: '请输入姓名',
  too_long: `姓名不能超过${NAME_MAX_CHARS}个字`,
  control: '姓名中含有不可见的控制字符',
  bidi: '姓名中含有文字方向控制字符',
  chars: '姓名中含有无效字符',
};

/**
 * Zero-width characters are stripped rather than rejected: IMEs and copy-paste from chat apps
 * insert them silently, and they carry no meaning in a name.
 */
const ZERO_WIDTH = /[\u200B-\u200D\uFEFF\u2060]/gu;
/** C0/C1 controls (newline, tab, …) and the line/paragraph separators that act like them. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Direction marks, embeddings, overrides and isolates ("Trojan Source"), and the Arabic mark. */
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/u;
/** A lone surrogate (broken UTF-16) cannot be stored or printed reliably. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * NFC, strip zero-width, reject controls and bidi, trim, collapse inner whitespace runs to one
 * space (so "张  三" and "张 三" are one spelling), then 1–50 code points.
 */
export function normalizeName(raw: string): NameResult {
  const fail = (code: NameErrorCode): NameResult => ({ ok: false, code, message: MESSAGES[code] });
  const v = raw.normalize('NFC').replace(ZERO_WIDTH, '');
  if (CONTROL.test(v)) return fail('control');
  if (BIDI.test(v)) return fail('bidi');
  if (LONE_SURROGATE.test(v)) return fail('chars');
  const value = v.trim().replace(/\s+/gu, ' ');
  // Code points, not UTF-16 units: a rare character outside the BMP (e.g. 𠀀) is one character.
  const length = [...value].length;
  if (length === 0) return fail('empty');
  if (length > NAME_MAX_CHARS) return fail('too_long');
  return { ok: true, value };
}
