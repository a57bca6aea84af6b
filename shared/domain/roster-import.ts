// Roster import (issue 11 "Roster import"): a township clerk's spreadsheet of households and
// persons, read the way clerks actually keep them. Pure: the server reads the file into a grid of
// cells (server/roster/read-file.ts), this module finds the header, normalises every row and says
// what is wrong with it in Chinese (parseRoster), then compares the rows with the village's roster
// and plans the changes (planRoster, roster-plan.ts). Nothing here guesses: an ID number Excel
// stored as a number has lost digits and is refused with the reason.
import { normalizeIdNumber, validateIdNumber } from '../validation/id-number';
import { normalizeName } from '../validation/name';
import { normalizePhone } from '../validation/phone';

/** A cell as the reader hands it over: text, or a number when the spreadsheet stored a number. */
export type RosterCell = string | number | boolean | null | undefined;

export type RosterField = 'householdNo' | 'name' | 'relation' | 'idNumber' | 'phone' | 'groupNo' | 'birthDate' | 'status' | 'rowKey';

/** Header names seen in township rosters, per field (compared after NFKC, without spaces and marks). */
export const HEADER_NAMES: Readonly<Record<RosterField, readonly string[]>> = {
  householdNo: ['户号', '户编号', '户籍编号', '户编码', '家庭户号'],
  name: ['姓名', '村民姓名', '成员姓名'],
  relation: ['与户主关系', '与户主的关系', '家庭关系', '关系'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '公民身份证号码', '证件号码'],
  phone: ['联系电话', '电话', '手机', '手机号', '手机号码', '联系方式'],
  groupNo: ['村民小组', '组别', '小组', '组', '所在小组'],
  birthDate: ['出生日期', '出生年月', '出生年月日'],
  status: ['状态', '人员状态', '户籍状态', '变动情况'],
  rowKey: ['行键', '系统行键'],
};

export const FIELD_LABELS: Readonly<Record<RosterField, string>> = {
  householdNo: '户号', name: '姓名', relation: '与户主关系', idNumber: '身份证号', phone: '联系电话',
  groupNo: '村民小组', birthDate: '出生日期', status: '状态', rowKey: '行键',
};

export type PersonStatus = 'active' | 'moved_out' | 'deceased';
export const STATUS_LABELS: Readonly<Record<PersonStatus, string>> = { active: '在册', moved_out: '迁出', deceased: '已故' };

const STATUS_WORDS: ReadonlyArray<[PersonStatus, readonly string[]]> = [
  ['active', ['', '在册', '正常', '在户', '现住']],
  ['moved_out', ['迁出', '已迁出', '户口迁出', '外迁', '迁走']],
  ['deceased', ['死亡', '已故', '去世', '已死亡', '已去世', '注销死亡', '死亡注销']],
];

export const HEAD_RELATIONS: readonly string[] = ['户主', '本人'];

/** An ID number as the row gives it. `masked`: our own export's `370283********1234`. */
export type RowId =
  | { kind: 'none' }
  | { kind: 'valid'; value: string; birthYear: number }
  | { kind: 'masked'; prefix: string; last4: string };

export interface RosterRow {
  /** 1-based line of the file (as the clerk sees it in Excel). */
  line: number;
  householdNo: string | null;
  name: string | null;
  relation: string | null;
  id: RowId;
  /** A normalised mobile number, or `keep` for our export's masked 138****0001. */
  phone: string | null | { keep: string };
  groupNo: number | null;
  birthYear: number | null;
  status: PersonStatus;
  rowKey: string | null;
  /** Blank line: every cell empty. */
  blank: boolean;
  errors: string[];
  /** The row's normalised content, for spotting exact duplicates. */
  signature: string;
}

export interface ParsedRoster {
  ok: boolean;
  /** Why the file as a whole cannot be read (no header row found, …). */
  problem: string | null;
  headerLine: number;
  columns: Partial<Record<RosterField, number>>;
  rows: RosterRow[];
}

const HEADER_STRIP = /[\s*＊:：()（）[\]【】]|必填|选填/gu;
const headerKey = (v: RosterCell) => String(v ?? '').normalize('NFKC').replace(HEADER_STRIP, '');

/** Cell text: NFKC (full-width digits and letters become half-width), zero-width dropped, trimmed. */
export function cellText(v: RosterCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  let s = v.normalize('NFKC').replace(/[\u200B-\u200D\uFEFF\u2060]/gu, '').trim();
  // Excel's tricks to keep digits as text in CSV: ="0012" and a leading apostrophe.
  const formula = /^="(.*)"$/u.exec(s);
  if (formula) s = formula[1].trim();
  if (s.startsWith("'")) s = s.slice(1).trim();
  return s;
}

/** Which column holds which field, from a header row; null when it is not a header row. */
export function matchHeader(cells: readonly RosterCell[]): Partial<Record<RosterField, number>> | null {
  const columns: Partial<Record<RosterField, number>> = {};
  cells.forEach((cell, i) => {
    const key = headerKey(cell);
    if (!key) return;
    for (const [field, names] of Object.entries(HEADER_NAMES) as [RosterField, readonly string[]][]) {
      if (columns[field] === undefined && names.includes(key)) { columns[field] = i; return; }
    }
  });
  return columns.name !== undefined && columns.householdNo !== undefined ? columns : null;
}

const CHINESE_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 … 九十九 as a number, else null. */
export function chineseNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(s);
  if (!m || s === '') return null;
  if (!m[2]) return m[3] ? null : m[1] ? CHINESE_DIGITS[m[1]] : null;
  return (m[1] ? CHINESE_DIGITS[m[1]] : 1) * 10 + (m[3] ? CHINESE_DIGITS[m[3]] : 0);
}

/** 村民小组 "3", "3组", "第三组", "三组", "第3村民小组" → 3. */
export function parseGroupNo(raw: string): number | null | 'invalid' {
  if (raw === '') return null;
  const core = raw.replace(/^第/u, '').replace(/(村民小组|村民组|小组|组)$/u, '');
  const n = chineseNumber(core);
  return n === null || n > 999 ? 'invalid' : n;
}

/** Excel's 1900 date system: serial 1 = 1900-01-01, with Lotus's phantom 1900-02-29 (serial 60). */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2958466) return null;
  const days = Math.floor(serial) - (serial > 60 ? 1 : 0);
  const d = new Date(Date.UTC(1899, 11, 31) + days * 86400_000);
  return d.toISOString().slice(0, 10);
}

/** A birth date as clerks write it → the year; 'invalid' when it cannot be read. */
export function parseBirthYear(v: RosterCell, thisYear: number): number | null | 'invalid' {
  const inRange = (y: number) => (y >= 1900 && y <= thisYear ? y : 'invalid' as const);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 1900 && v <= thisYear) return v; // a bare year
    const date = excelSerialToDate(v);
    return date ? inRange(Number(date.slice(0, 4))) : 'invalid';
  }
  const s = cellText(v);
  if (s === '') return null;
  if (/^\d{5}(\.\d+)?$/.test(s)) { // a serial that reached a CSV as text
    const date = excelSerialToDate(Number(s));
    return date ? inRange(Number(date.slice(0, 4))) : 'invalid';
  }
  const m = /^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?$/u.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? inRange(Number(m[1])) : 'invalid';
}

export const ID_AS_NUMBER_MESSAGE = '身份证号码被 Excel 存成了数字，后几位已经丢失，无法确定原号码；请把该列设为“文本”格式后重新填写';

/** The ID number cell: a number cell (digits lost) is refused, never repaired. */
export function parseRowId(v: RosterCell, today: Date): RowId | { error: string } {
  if (typeof v === 'number') {
    // Up to 15 digits a double holds every digit (the legacy 15-digit numbers); longer ones lost theirs.
    if (!Number.isSafeInteger(v) || String(v).length !== 15) return { error: ID_AS_NUMBER_MESSAGE };
    v = String(v);
  }
  const s = cellText(v);
  if (s === '') return { kind: 'none' };
  if (/^\d(\.\d+)?E\+?\d+$/i.test(s.replace(/\s/g, ''))) return { error: ID_AS_NUMBER_MESSAGE };
  const masked = /^(\d{6})\*{4,12}([\dXx]{4})$/u.exec(s.replace(/\s/g, ''));
  if (masked) return { kind: 'masked', prefix: masked[1], last4: masked[2].toUpperCase() };
  const checked = validateIdNumber(normalizeIdNumber(s), today);
  if (!checked.ok) return { error: checked.message };
  return { kind: 'valid', value: checked.value, birthYear: Number(checked.birthDate.slice(0, 4)) };
}

/** Stray spaces inside a Chinese name ("张 三") are typing noise; between Latin words they stay. */
function nameText(raw: string): string {
  return raw.replace(/(\p{Script=Han})\s+(?=\p{Script=Han})/gu, '$1');
}

function parseStatus(raw: string): PersonStatus | null {
  const key = raw.replace(/[\s()（）]/gu, '');
  for (const [status, words] of STATUS_WORDS) if (words.includes(key)) return status;
  return null;
}

/** One data row of the grid. */
export function parseRow(cells: readonly RosterCell[], columns: Partial<Record<RosterField, number>>, line: number, today: Date): RosterRow {
  const raw = (f: RosterField): RosterCell => (columns[f] === undefined ? null : cells[columns[f]!]);
  const text = (f: RosterField) => cellText(raw(f));
  const errors: string[] = [];
  const blank = Object.values(columns).every((i) => cellText(cells[i!]) === '');

  let householdNo: string | null = text('householdNo').replace(/\s+/gu, '') || null;
  if (householdNo && typeof raw('householdNo') === 'number') householdNo = String(raw('householdNo'));
  if (householdNo && !/^[0-9A-Za-z-]{1,20}$/.test(householdNo)) {
    errors.push('户号只能包含数字、字母和“-”，不超过20位');
    householdNo = null;
  } else if (!householdNo && !blank) {
    errors.push('户号为空：无法确定属于哪一户，此行不导入（不会并入其他户）');
  }

  let name: string | null = null;
  const nameRaw = nameText(text('name'));
  if (nameRaw === '') { if (!blank) errors.push('姓名为空'); } else {
    const n = normalizeName(nameRaw);
    if (n.ok) name = n.value; else errors.push(`姓名：${n.message}`);
  }

  let relation: string | null = null;
  const relRaw = text('relation').replace(/\s+/gu, '');
  if (relRaw !== '') {
    const r = normalizeName(relRaw);
    if (r.ok && r.value.length <= 20) relation = r.value; else errors.push('与户主关系：请填写有效的关系（不超过20个字）');
  }

  const idCell = parseRowId(raw('idNumber'), today);
  let id: RowId = { kind: 'none' };
  if ('error' in idCell) errors.push(idCell.error); else id = idCell;

  let phone: RosterRow['phone'] = null;
  const phoneRaw = text('phone');
  if (/^1\d{2}\*{4}\d{4}$/.test(phoneRaw.replace(/\s/g, ''))) phone = { keep: phoneRaw.replace(/\s/g, '') };
  else if (phoneRaw !== '') {
    const p = normalizePhone(phoneRaw);
    if (p.ok) phone = p.value; else errors.push(`联系电话：${p.message}`);
  }

  let groupNo: number | null = null;
  const g = parseGroupNo(text('groupNo').replace(/\s+/gu, ''));
  if (g === 'invalid') errors.push('村民小组：请填写组号，如“3”或“第三组”'); else groupNo = g;

  const thisYear = Number(today.toISOString().slice(0, 4));
  let birthYear: number | null = null;
  const b = parseBirthYear(raw('birthDate'), thisYear);
  if (b === 'invalid') errors.push('出生日期无法识别（例如 1990-01-01）'); else birthYear = b;
  // The ID number's birth date is the better source when both are given.
  if (id.kind === 'valid') birthYear = id.birthYear;

  const statusText = text('status');
  const status = parseStatus(statusText);
  if (status === null) errors.push(`状态“${statusText}”无法识别（可填：在册、迁出、已故）`);

  const rowKey = text('rowKey') || null;
  const signature = JSON.stringify([householdNo, name, relation, id, phone, groupNo, birthYear, status, rowKey]);
  return { line, householdNo, name, relation, id, phone, groupNo, birthYear, status: status ?? 'active', rowKey, blank, errors, signature };
}

/** Finds the header row (within the first 20 lines) and reads every row after it. */
export function parseRoster(grid: readonly (readonly RosterCell[])[], today: Date): ParsedRoster {
  const limit = Math.min(grid.length, 20);
  for (let i = 0; i < limit; i++) {
    const columns = matchHeader(grid[i] ?? []);
    if (!columns) continue;
    const rows = grid.slice(i + 1).map((cells, k) => parseRow(cells ?? [], columns, i + k + 2, today));
    // Trailing blank lines are not rows anyone meant.
    while (rows.length && rows[rows.length - 1].blank) rows.pop();
    return { ok: true, problem: null, headerLine: i + 1, columns, rows };
  }
  return {
    ok: false, problem: '没有找到表头：第一行（或前20行之一）应含有“户号”（或“户编号”）和“姓名”两列',
    headerLine: 0, columns: {}, rows: [],
  };
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF); the delimiter is guessed from the first line. */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/u, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The opaque row key of our own export: the person's id, not readable as one. */
export function encodeRowKey(personId: string): string {
  const hex = personId.replace(/-/g, '');
  const bytes = hex.match(/../g)!.map((h) => String.fromCharCode(parseInt(h, 16))).join('');
  return `R${btoa(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export function decodeRowKey(key: string): string | null {
  if (!/^R[A-Za-z0-9_-]{22}$/.test(key)) return null;
  try {
    const bin = atob(key.slice(1).replace(/-/g, '+').replace(/_/g, '/'));
    const hex = [...bin].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } catch {
    return null;
  }
}
