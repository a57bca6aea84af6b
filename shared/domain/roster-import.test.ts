// Roster import rules, one row per messy case of issue 11 (table-driven).
import { describe, expect, it } from 'vitest';
import { makeSyntheticIdNumber } from '../validation/id-number';
import { decodeRowKey, encodeRowKey, excelSerialToDate, ID_AS_NUMBER_MESSAGE, matchHeader, parseCsv, parseRoster, type RosterCell } from './roster-import';
import { planRoster, type ExistingHousehold, type ExistingPerson, type RosterSnapshot } from './roster-plan';

const TODAY = new Date('2026-12-02T02:00:00Z');
const ID_A = makeSyntheticIdNumber('370283', '19800101', 11);
const ID_B = makeSyntheticIdNumber('370283', '19820202', 22);
const ID_C = makeSyntheticIdNumber('370283', '20150303', 33);
const ID_D = makeSyntheticIdNumber('370283', '20150505', 44);
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const HEADER = ['户号', '姓名', '与户主关系', '身份证号', '联系电话', '村民小组', '出生日期', '状态'];

function one(cells: RosterCell[], header: RosterCell[] = HEADER) {
  const parsed = parseRoster([header, cells], TODAY);
  expect(parsed.ok).toBe(true);
  return parsed.rows[0];
}

describe('header names', () => {
  it.each([
    [['户号', '姓名'], { householdNo: 0, name: 1 }],
    [['户编号', ' 姓 名 ', '与户主的关系', '公民身份号码', '电话', '组别'], { householdNo: 0, name: 1, relation: 2, idNumber: 3, phone: 4, groupNo: 5 }],
    [['*户编号（必填）', '姓名*', '关系', '身份证号码', '手机号码', '村民小组', '出生年月', '人员状态'], { householdNo: 0, name: 1, relation: 2, idNumber: 3, phone: 4, groupNo: 5, birthDate: 6, status: 7 }],
    [['户号', '名字'], null],
  ])('%j', (cells, columns) => {
    expect(matchHeader(cells)).toEqual(columns);
  });
  it('finds the header below a title row, and says so when there is none', () => {
    expect(parseRoster([['东村花名册'], [], HEADER, ['001', '张三']], TODAY).headerLine).toBe(3);
    expect(parseRoster([['a', 'b']], TODAY).problem).toContain('没有找到表头');
  });
});

describe('one row per messy case', () => {
  it.each<[string, RosterCell[], Record<string, unknown>]>([
    ['half-width digits', ['0012', '张三', '户主', ID_A, '13800138000', '3'], { householdNo: '0012', id: { kind: 'valid', value: ID_A }, phone: '13800138000', groupNo: 3, errors: [] }],
    ['full-width digits', ['００１２', '张三', '户主', fullWidth(ID_A), '１３８００１３８０００', '３组'], { householdNo: '0012', id: { kind: 'valid', value: ID_A }, phone: '13800138000', groupNo: 3, errors: [] }],
    ['stray spaces', [' 0012 ', ' 张 三 ', ' 户主 ', ` ${ID_A.slice(0, 6)} ${ID_A.slice(6)} `, ' 138 0013 8000 ', ' 第三组 '], { householdNo: '0012', name: '张三', relation: '户主', id: { kind: 'valid', value: ID_A }, phone: '13800138000', groupNo: 3, errors: [] }],
    ['lower-case x', ['1', '李四', '', makeSyntheticIdNumber('110105', '19491231', 2).toLowerCase()], { errors: [] }],
    ['legacy 15 digits become 18', ['1', '王五', '', '370283800101011'], { id: { kind: 'valid' }, birthYear: 1980, errors: [] }],
    ['invalid ID number', ['1', '赵六', '', `${ID_A.slice(0, 17)}${ID_A.endsWith('0') ? '1' : '0'}`], { errors: ['身份证号码校验位不正确，请核对'] }],
    ['ID number stored by Excel as a number', ['1', '钱七', '', 370283198001010000], { errors: [ID_AS_NUMBER_MESSAGE] }],
    ['ID number in a CSV as 3.70283E+17', ['1', '钱七', '', '3.70283E+17'], { errors: [ID_AS_NUMBER_MESSAGE] }],
    ['legacy 15-digit ID as a number cell keeps every digit', ['1', '孙八', '', 370283800101011], { id: { kind: 'valid' }, errors: [] }],
    ['Excel serial date', ['1', '周九', '', '', '', '', 29221], { birthYear: 1980, errors: [] }],
    ['serial date as CSV text', ['1', '周九', '', '', '', '', '29221'], { birthYear: 1980, errors: [] }],
    ['Chinese date', ['1', '吴十', '', '', '', '', '1990年3月5日'], { birthYear: 1990, errors: [] }],
    ['unreadable date', ['1', '吴十', '', '', '', '', '去年'], { errors: ['出生日期无法识别（例如 1990-01-01）'] }],
    ['person without ID number', ['1', '郑十一', '子'], { id: { kind: 'none' }, errors: [] }],
    ['blank household number', ['', '冯十二', '户主', ID_B], { householdNo: null, errors: ['户号为空：无法确定属于哪一户，此行不导入（不会并入其他户）'] }],
    ['household number as a number cell', [12, '陈十三'], { householdNo: '12', errors: [] }],
    ['moved out', ['1', '褚十四', '', '', '', '', '', '已迁出'], { status: 'moved_out', errors: [] }],
    ['deceased', ['1', '卫十五', '', '', '', '', '', '死亡'], { status: 'deceased', errors: [] }],
    ['unknown status', ['1', '蒋十六', '', '', '', '', '', '出差'], { errors: ['状态“出差”无法识别（可填：在册、迁出、已故）'] }],
    ['bad phone', ['1', '沈十七', '', '', '1380013800'], { errors: ['联系电话：手机号码应为11位'] }],
    ['our export: masked ID and phone', ['1', '韩十八', '', '370283********1234', '138****8000'], { id: { kind: 'masked', prefix: '370283', last4: '1234' }, phone: { keep: '138****8000' }, errors: [] }],
    ['Excel text trick', ['="0012"', '杨十九', '', `'${ID_A}`], { householdNo: '0012', id: { kind: 'valid', value: ID_A }, errors: [] }],
  ])('%s', (_, cells, expected) => {
    expect(one(cells)).toMatchObject(expected);
  });

  it('skips blank lines and drops trailing ones', () => {
    const rows = parseRoster([HEADER, ['1', '张三'], ['', ' ', ''], ['2', '李四'], [], ['', '']], TODAY).rows;
    expect(rows.map((r) => r.blank)).toEqual([false, true, false]);
    expect(planRoster(rows, { households: [], persons: [], idHashesElsewhere: new Set() }, hash).rows[1]).toMatchObject({ action: 'skipped', reason: '空行' });
  });
  it('reads Excel serials the 1900 way', () => {
    expect([excelSerialToDate(1), excelSerialToDate(59), excelSerialToDate(61), excelSerialToDate(45993)]).toEqual(['1900-01-01', '1900-02-28', '1900-03-01', '2025-12-02']);
  });
  it('parses CSV with quotes, CRLF and a guessed delimiter', () => {
    expect(parseCsv('\uFEFF户号,姓名\r\n"00,1","张""三"""\r\n')).toEqual([['户号', '姓名'], ['00,1', '张"三"']]);
    expect(parseCsv('户号\t姓名\n1\t李四')).toEqual([['户号', '姓名'], ['1', '李四']]);
  });
  it('round-trips the opaque row key', () => {
    const id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    expect(encodeRowKey(id)).not.toContain('0193a1b2');
    expect(decodeRowKey(encodeRowKey(id))).toBe(id);
    expect(decodeRowKey('R-not-a-key')).toBeNull();
  });
});

const hash = (v: string) => `h:${v}`;
const H1: ExistingHousehold = { id: 'h1', householdNo: '0012', groupNo: 3, headName: '张三', phone: '13800138000', status: 'active' };
const person = (over: Partial<ExistingPerson>): ExistingPerson => ({
  id: 'p1', householdId: 'h1', name: '张三', relation: '户主', birthYear: 1980, phone: '13800138000', idHash: hash(ID_A), idMask: '370283********' + ID_A.slice(-4), deleted: false, ...over,
});
const SNAPSHOT: RosterSnapshot = {
  households: [H1],
  persons: [person({}), person({ id: 'p2', name: '张小明', relation: '子', birthYear: 2015, phone: null, idHash: null, idMask: null })],
  idHashesElsewhere: new Set([hash(ID_C)]),
};
const plan = (rows: RosterCell[][], snapshot = SNAPSHOT) => planRoster(parseRoster([HEADER, ...rows], TODAY).rows, snapshot, hash);

describe('the plan, one row per case', () => {
  it.each<[string, RosterCell[][], Array<[string, string[]?, string?]>]>([
    ['the same row as on file', [['0012', '张三', '户主', ID_A, '13800138000', '3']], [['unchanged', []]]],
    ['a new person in an existing household', [['0012', '张丽', '女', ID_B]], [['create', ['新增村民']]]],
    ['a new household', [['0013', '李四', '户主', ID_B]], [['create', ['新增户', '新增村民']]]],
    ['duplicate rows', [['0013', '李四', '户主', ID_B], ['0013', '李四', '户主', ID_B]], [['create'], ['skipped', [], '与第2行完全相同，已忽略']]],
    ['the same ID twice with other details', [['0013', '李四', '户主', ID_B], ['0014', '李四', '户主', ID_B]], [['create'], ['error', [], '身份证号码与第2行相同，同一人不能登记两次']]],
    ['blank household number never merges', [['', '李四', '户主', ID_B]], [['error', [], '户号为空：无法确定属于哪一户，此行不导入（不会并入其他户）']]],
    ['two persons without ID number do not overwrite each other', [['0013', '王伟', '子'], ['0013', '王伟', '侄']], [['create'], ['create']]],
    ['a person without ID matched by name, relation and year', [['0012', '张小明', '子', '', '13900139000']], [['update', ['联系电话']]]],
    ['a second same-named row without ID is another person', [['0012', '张小明', '', '', '13900139000'], ['0012', '张小明', '', '', '13700137000']], [['update'], ['create']]],
    ['two rows for one person by ID and by row key', [['0012', '张三', '户主', ID_A], ['0012', '张三', '户主', '', '13700137000']], [['unchanged'], ['create']]],
    ['moved out', [['0012', '张小明', '子', '', '', '', '', '迁出']], [['update', ['迁出']]]],
    ['deceased', [['0012', '张三', '户主', ID_A, '', '', '', '已故']], [['update', ['已故']]]],
    ['moved out but never on the roster', [['0012', '张飞', '子', '', '', '', '', '迁出']], [['skipped', [], '名册中没有此人，无需登记迁出']]],
    ['an ID number added for a person without one', [['0012', '张小明', '子', ID_D]], [['update', ['身份证号码（补录）']]]],
    ['an ID number registered in another village', [['0012', '张丙', '子', ID_C]], [['error', [], '该身份证号码已登记在其他村，请先在原村办理迁出']]],
    ['a masked ID number without row key', [['0012', '张三', '户主', '370283********1234']], [['error', [], '身份证号码是隐藏格式（****），只能用于本系统导出的名册（须保留“行键”列）']]],
    ['a new head and group for the household', [['0012', '张四', '户主', ID_B, '', '4']], [['create', ['新增村民', '户主', '村民小组']]]],
    ['household numbers without their leading zeros', [[12, '张三', '户主', ID_A]], [['unchanged']]],
    ['a row with an invalid ID number', [['0012', '张三', '户主', '123']], [['error', [], '身份证号码应为18位（旧的15位号码也可以）']]],
  ])('%s', (_, rows, expected) => {
    const p = plan(rows);
    expect(p.rows.map((r) => r.action)).toEqual(expected.map((e) => e[0]));
    expected.forEach(([, changes, reason], i) => {
      if (changes) expect(p.rows[i].changes).toEqual(changes);
      if (reason) expect(p.rows[i].reason).toBe(reason);
    });
  });

  it('a row key corrects the ID number and restores a removed person', () => {
    const key = [...HEADER, '行键'];
    const snapshot = { ...SNAPSHOT, persons: [person({ deleted: true })] };
    const p = planRoster(parseRoster([key, ['0012', '张三', '户主', ID_B, '', '', '', '', encodeRowKey('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')]], TODAY).rows,
      { ...snapshot, persons: [person({ id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', deleted: true })] }, hash);
    expect(p.rows[0]).toMatchObject({ action: 'update', changes: ['恢复在册', '出生年份', '身份证号码（更正）'] });
    expect(p.persons[0].set).toMatchObject({ deleted: false, idNumber: ID_B });
  });

  it('a household whose every row moved out is marked moved out', () => {
    const p = plan([['0012', '张三', '户主', ID_A, '', '', '', '迁出'], ['0012', '张小明', '子', '', '', '', '', '迁出']]);
    expect(p.households).toEqual([{ householdId: 'h1', householdNo: '0012', set: { status: 'moved-out' } }]);
  });
});
