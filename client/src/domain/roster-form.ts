// Checks of the roster forms (household, member), with the shared rules the server applies, so a
// bad value is caught on the phone with the same Chinese message. Pure: the store seals the ID.
import { normalizeName } from '../../../shared/validation/name';
import { normalizePhone } from '../../../shared/validation/phone';
import { validateIdNumber } from '../../../shared/validation/id-number';

export type FieldCheck<T> = { ok: true; value: T } | { ok: false; message: string };

export function checkName(raw: string, label = '姓名'): FieldCheck<string> {
  const r = normalizeName(raw);
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: `${label}：${r.message}` };
}

export function checkRelation(raw: string): FieldCheck<string> {
  const r = normalizeName(raw);
  if (!r.ok || r.value.length > 20) return { ok: false, message: '与户主关系：请输入有效的关系（不超过20个字）' };
  return { ok: true, value: r.value };
}

/** Optional phone: empty means none. */
export function checkPhone(raw: string): FieldCheck<string | null> {
  if (raw.trim() === '') return { ok: true, value: null };
  const r = normalizePhone(raw);
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: `电话：${r.message}` };
}

export function checkBirthYear(raw: string, now = new Date()): FieldCheck<number | null> {
  const v = raw.normalize('NFKC').trim();
  if (v === '') return { ok: true, value: null };
  const n = Number(v);
  if (!/^\d{4}$/.test(v) || n < 1900 || n > now.getFullYear()) return { ok: false, message: `出生年份应在1900年到${now.getFullYear()}年之间` };
  return { ok: true, value: n };
}

/** Optional ID number, normalised (full-width, lower-case x, 15 digits converted). */
export function checkIdNumber(raw: string, now = new Date()): FieldCheck<{ value: string; birthYear: number; converted: boolean } | null> {
  if (raw.trim() === '') return { ok: true, value: null };
  const r = validateIdNumber(raw, now);
  if (!r.ok) return { ok: false, message: r.message };
  return { ok: true, value: { value: r.value, birthYear: Number(r.birthDate.slice(0, 4)), converted: r.converted } };
}

export function checkHouseholdNo(raw: string): FieldCheck<string> {
  const v = raw.normalize('NFKC').trim();
  if (!/^[0-9A-Za-z-]{1,20}$/.test(v)) return { ok: false, message: '户号：只能包含数字、字母和“-”，不超过20位' };
  return { ok: true, value: v };
}

export function checkGroupNo(raw: string | number): FieldCheck<number> {
  const n = Number(String(raw).normalize('NFKC').trim());
  if (!Number.isInteger(n) || n < 1 || n > 999) return { ok: false, message: '组号应为1到999之间的整数' };
  return { ok: true, value: n };
}

/** Common relations to the head (户主), offered as one-tap choices. */
export const RELATIONS = ['户主', '配偶', '子', '女', '儿媳', '女婿', '孙子', '孙女', '父亲', '母亲', '兄弟', '姐妹', '其他'] as const;

const RELATION_EN: Record<string, string> = {
  户主: 'Head', 本人: 'Head', 配偶: 'Spouse', 妻: 'Wife', 夫: 'Husband', 妻子: 'Wife', 丈夫: 'Husband',
  子: 'Son', 儿子: 'Son', 长子: 'Eldest son', 次子: 'Second son', 女: 'Daughter', 女儿: 'Daughter', 长女: 'Eldest daughter', 次女: 'Second daughter',
  儿媳: 'Daughter-in-law', 女婿: 'Son-in-law', 孙子: 'Grandson', 孙女: 'Granddaughter', 外孙: 'Grandson', 外孙女: 'Granddaughter',
  父亲: 'Father', 母亲: 'Mother', 父: 'Father', 母: 'Mother', 祖父: 'Grandfather', 祖母: 'Grandmother',
  兄弟: 'Brother', 哥哥: 'Brother', 弟弟: 'Brother', 姐妹: 'Sister', 姐姐: 'Sister', 妹妹: 'Sister', 其他: 'Other',
};

/** A relation label in the UI's language (the stored value stays Chinese, as registered). */
export function relationText(relation: string, locale: string): string {
  return locale === 'en' ? RELATION_EN[relation] ?? relation : relation;
}
