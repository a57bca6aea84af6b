// Resident identity numbers (公民身份号码, GB 11643-1999): normalisation, validation, masking.
// security.md "Input" and domain.md guardrail 6: ID numbers are only ever shown masked, so the
// mask lives here next to the validator and every screen uses the same one.

/** Weights of the first 17 characters (GB 11643 §7, ISO 7064 MOD 11-2). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * Province-level codes (first two digits, GB/T 2260). A number outside this set is almost
 * certainly a typo. 71 (台湾) is in GB/T 2260; 81 (香港), 82 (澳门) and 83 (台湾) begin the numbers of
 * residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, 2018). Only the
 * province is checked: county codes (digits 3–6) are renamed and abolished all the time and a
 * person keeps the number, so an unknown county is never refused.
 */
export const PROVINCE_NAMES: Readonly<Record<string, string>> = {
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '15': '内蒙古',
  '21': '辽宁', '22': '吉林', '23': '黑龙江',
  '31': '上海', '32': '江苏', '33': '浙江', '34': '安徽', '35': '福建', '36': '江西', '37': '山东',
  '41': '河南', '42': '湖北', '43': '湖南', '44': '广东', '45': '广西', '46': '海南',
  '50': '重庆', '51': '四川', '52': '贵州', '53': '云南', '54': '西藏',
  '61': '陕西', '62': '甘肃', '63': '青海', '64': '宁夏', '65': '新疆',
  '71': '台湾', '81': '香港', '82': '澳门', '83': '台湾',
};

/**
 * The 2023 foreigners' permanent-residence card (外国人永久居留身份证) has 18 characters with the same
 * date and check digit as a resident's number but begins with 9 (then the issuing province and a
 * nationality code), so any 9x prefix is accepted.
 */
export const PERMANENT_RESIDENCE_NAME = '外国人永久居留';

/** Earliest birth year accepted: older dates are typing errors, not residents. */
export const MIN_BIRTH_YEAR = 1900;

export type IdNumberErrorCode = 'length' | 'chars' | 'province' | 'birth_date' | 'check_digit';

export type IdNumberResult =
  | {
    ok: true; value: string; birthDate: string; province: string; provinceName: string;
    /** The input was a legacy 15-digit number (before 1999); `value` is its 18-digit form. */
    converted: boolean;
  }
  | { ok: false; code: IdNumberErrorCode; message: string };

const MESSAGES: Record<IdNumberErrorCode, string> = {
  length: '身份证号码应为18位（旧的15位号码也可以）',
  chars: '身份证号码只能包含数字，最后一位可以是X',
  province: '身份证号码前两位不是有效的省份代码',
  birth_date: '身份证号码中的出生日期无效',
  check_digit: '身份证号码校验位不正确，请核对',
};

/**
 * NFKC turns full-width digits and ｘ (common with Chinese IMEs) into ASCII; whitespace of any
 * kind is dropped because people type numbers in groups (e.g. "370283 1990…").
 */
export function normalizeIdNumber(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, '').replace(/x/g, 'X');
}

/** The 18th character for 17 leading digits. Throws on anything but 17 ASCII digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idNumberCheckChar expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** 'YYYYMMDD' → 'YYYY-MM-DD' when it is a real calendar date, else null. */
function parseBirthDate(yyyymmdd: string): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < MIN_BIRTH_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * The calendar day in China (UTC+8, no DST) as 'YYYY-MM-DD'. A Date is converted in China time
 * rather than the host's zone, so a baby registered just after midnight in Beijing is not "born
 * tomorrow" on a server running in UTC.
 */
function chinaDay(today: string | Date): string {
  if (typeof today === 'string') return today.slice(0, 10);
  return new Date(today.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * A legacy 15-digit number (area 6, birth date yymmdd, sequence 3, no check digit; all born in the
 * 1900s) in its 18-digit form: '19' inserted before the date and the check digit computed, as the
 * public-security bureaus converted them. Returns null for anything but 15 ASCII digits.
 */
export function upgradeLegacyIdNumber(fifteen: string): string | null {
  if (!/^\d{15}$/.test(fifteen)) return null;
  const first17 = `${fifteen.slice(0, 6)}19${fifteen.slice(6)}`;
  return first17 + idNumberCheckChar(first17);
}

/**
 * Validates a GB 11643 number. Checks run from the cheapest/most obvious mistake to the check
 * digit, so the message names the first thing the user should fix.
 * @param today reference day for the "not in the future" check; defaults to now.
 */
export function validateIdNumber(raw: string, today: string | Date = new Date()): IdNumberResult {
  const normalized = normalizeIdNumber(raw);
  const fail = (code: IdNumberErrorCode): IdNumberResult => ({ ok: false, code, message: MESSAGES[code] });
  const legacy = normalized.length === 15 ? upgradeLegacyIdNumber(normalized) : null;
  if (normalized.length === 15 && legacy === null) return fail('chars');
  const value = legacy ?? normalized;
  if (value.length !== 18) return fail('length');
  if (!/^\d{17}[\dX]$/.test(value)) return fail('chars');
  const province = value.slice(0, 2);
  const provinceName = value[0] === '9' ? PERMANENT_RESIDENCE_NAME : PROVINCE_NAMES[province];
  if (provinceName === undefined) return fail('province');
  const birthDate = parseBirthDate(value.slice(6, 14));
  // ISO dates compare correctly as strings.
  if (birthDate === null || birthDate > chinaDay(today)) return fail('birth_date');
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return fail('check_digit');
  return { ok: true, value, birthDate, province, provinceName, converted: legacy !== null };
}

/**
 * `370283********1234`: the first 6 (area) and last 4 characters stay, everything between is a
 * star. Input is normalised first so a full-width number masks the same way. Anything too short to
 * keep 10 characters and still hide something is fully starred rather than half-revealed.
 */
export function maskIdNumber(id: string): string {
  const v = normalizeIdNumber(id);
  if (v.length < 14) return '*'.repeat(Math.max(v.length, 8));
  return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`;
}

/** Last 4 characters, the only part a phone stores (PersonDto.idLast4). */
export function idNumberLast4(id: string): string {
  return normalizeIdNumber(id).slice(-4);
}

/**
 * A structurally valid number for seed and test data. It is not guaranteed to be fictitious (any
 * valid number may belong to someone), so use it only for generated people, never alongside real
 * names. Throws if the parts cannot form a valid number.
 * @param seq3 sequence code 0–999; its last digit encodes sex (odd male, even female).
 */
export function makeSyntheticIdNumber(areaCode6: string, birthYYYYMMDD: string, seq3: number | string): string {
  const seq = typeof seq3 === 'number' ? String(seq3).padStart(3, '0') : seq3;
  if (!/^\d{6}$/.test(areaCode6)) throw new RangeError('areaCode6 must be 6 digits');
  if (!/^\d{8}$/.test(birthYYYYMMDD)) throw new RangeError('birthYYYYMMDD must be 8 digits');
  if (!/^\d{3}$/.test(seq)) throw new RangeError('seq3 must be 0–999');
  const first17 = `${areaCode6}${birthYYYYMMDD}${seq}`;
  const id = first17 + idNumberCheckChar(first17);
  // No upper date bound here: seeds may generate people "born" up to any test date.
  const check = validateIdNumber(id, '9999-12-31');
  if (!check.ok) throw new RangeError(`cannot make a valid ID number: ${check.code}`);
  return id;
}
