// Free-text notes (entry notes, credit-record notes). security.md "Input" and domain.md
// guardrail 6: a note is shown on every phone of the village, on review cards and on printed
// notices, so it must not carry an ID number in clear, nor invisible characters that reorder or
// hide the text around them. The phone and the server run this same function.
import { normalizeIdNumber, PROVINCE_NAMES } from './id-number';

export const NOTE_MAX_CHARS = 500;

export type NoteErrorCode = 'note_too_long' | 'note_control' | 'note_bidi' | 'note_chars' | 'note_id_number';

export type NoteResult =
  | { ok: true; value: string }
  | { ok: false; code: NoteErrorCode; message: string };

export const NOTE_MESSAGES: Record<NoteErrorCode, string> = {
  note_too_long: `说明不能超过${NOTE_MAX_CHARS}个字`,
  note_control: '说明中含有不可见的控制字符，请删除后重新输入',
  note_bidi: '说明中含有文字方向控制字符，请删除后重新输入',
  note_chars: '说明中含有无效字符',
  note_id_number: '说明中不能写身份证号码：身份证号只在需要时由专门的栏目加密保存，请删除号码',
};

const ZERO_WIDTH = /[\u200B-\u200D\uFEFF\u2060]/gu;
/** Controls other than the line break a textarea produces (tab, NUL, C1, the Unicode separators). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/u;
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/u;
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Candidate ID numbers after NFKC: 17 digits and a digit or X, possibly typed in groups separated
 * by spaces or hyphens ("370283 19900307 1234"), not part of a longer digit run.
 */
const ID_CANDIDATE = /(?<![\dXx])\d(?:[ -]?\d){16}[ -]?[\dXx](?![\dXx])/gu;

/**
 * Whether the text holds something that reads as a resident ID number: 18 characters with a
 * province code and a real birth date. The check digit is deliberately not required — a mistyped
 * ID number still identifies a person.
 */
export function containsIdNumber(text: string): boolean {
  const folded = text.normalize('NFKC');
  for (const m of folded.matchAll(ID_CANDIDATE)) {
    const v = normalizeIdNumber(m[0].replace(/-/g, ''));
    if (v.length !== 18 || PROVINCE_NAMES[v.slice(0, 2)] === undefined) continue;
    const y = Number(v.slice(6, 10));
    const mo = Number(v.slice(10, 12));
    const d = Number(v.slice(12, 14));
    if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) continue;
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (d <= days) return true;
  }
  return false;
}

/**
 * NFC, zero-width characters stripped, CRLF → LF, ends trimmed; then refuses controls, direction
 * marks, broken characters, an ID number and more than 500 characters. An empty note is allowed
 * (whether one is required is the form's rule, e.g. deductions).
 */
export function normalizeNote(raw: string): NoteResult {
  const fail = (code: NoteErrorCode): NoteResult => ({ ok: false, code, message: NOTE_MESSAGES[code] });
  const v = raw.normalize('NFC').replace(ZERO_WIDTH, '').replace(/\r\n?/g, '\n');
  if (CONTROL.test(v)) return fail('note_control');
  if (BIDI.test(v)) return fail('note_bidi');
  if (LONE_SURROGATE.test(v)) return fail('note_chars');
  const value = v.trim();
  if ([...value].length > NOTE_MAX_CHARS) return fail('note_too_long');
  if (containsIdNumber(value)) return fail('note_id_number');
  return { ok: true, value };
}

/**
 * Notes stored before the refusal existed may still hold an ID number: shown masked
 * (370283********1234), never in clear.
 */
export function maskIdNumbersInText(text: string): string {
  return text.replace(/(?<![\dXx０-９ｘＸ])[\d０-９](?:[ -]?[\d０-９]){16}[ -]?[\dXxＸｘ０-９](?![\dXx０-９ｘＸ])/gu, (m) => {
    if (!containsIdNumber(m)) return m;
    const v = normalizeIdNumber(m.replace(/-/g, ''));
    return `${v.slice(0, 6)}${'*'.repeat(8)}${v.slice(-4)}`;
  });
}
