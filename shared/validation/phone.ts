// Mainland mobile numbers, stored in one normal form (security.md "Input") so that a resident
// logging in with "+86 138-1234-5678" finds the household saved as "13812345678".

export type PhoneErrorCode = 'empty' | 'chars' | 'length' | 'not_mobile';

export type PhoneResult =
  | { ok: true; value: string }
  | { ok: false; code: PhoneErrorCode; message: string };

const MESSAGES: Record<PhoneErrorCode, string> = {
  empty: '请输入手机号码',
  chars: '手机号码只能包含数字',
  length: '手机号码应为11位',
  not_mobile: '请输入有效的中国大陆手机号码',
};

/** Separators people type or paste between digit groups; dropped, never treated as errors. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212.()]/gu;

/**
 * NFKC first (full-width digits and ＋ from Chinese IMEs), then separators, then the country code
 * in its three spellings. A bare "86" is only a prefix when 13 digits remain: no mobile number
 * starts with 8, so "86" + 11 digits cannot be mistaken for anything else.
 */
export function normalizePhone(raw: string): PhoneResult {
  const fail = (code: PhoneErrorCode): PhoneResult => ({ ok: false, code, message: MESSAGES[code] });
  let v = raw.normalize('NFKC').replace(SEPARATORS, '');
  if (v === '') return fail('empty');
  if (v.startsWith('+86')) v = v.slice(3);
  else if (v.startsWith('0086')) v = v.slice(4);
  else if (v.startsWith('86') && v.length === 13) v = v.slice(2);
  if (!/^\d+$/.test(v)) return fail('chars');
  if (v.length !== 11) return fail('length');
  if (!/^1[3-9]\d{9}$/.test(v)) return fail('not_mobile');
  return { ok: true, value: v };
}

/**
 * `138****1234`. Normalises first so every spelling masks alike; input that is not a mobile
 * number is fully starred rather than partly shown.
 */
export function maskPhone(phone: string): string {
  const r = normalizePhone(phone);
  if (!r.ok) return '*'.repeat(11);
  return `${r.value.slice(0, 3)}****${r.value.slice(-4)}`;
}
