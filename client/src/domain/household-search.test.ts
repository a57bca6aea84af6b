import { describe, expect, it } from 'vitest';
import { buildSearchIndex, groupsOf, nameKeys, searchHouseholds, type SearchFilter } from './household-search';
import type { HouseholdDto, PersonDto } from '../../../shared/protocol/tables';

const hh = (id: string, headName: string, householdNo: string, groupNo = 1): HouseholdDto => ({
  id, villageId: 'v', householdNo, groupNo, headName, phone: null, status: 'active', consentPublic: false, version: 1,
});
const person = (householdId: string, name: string): PersonDto => ({
  id: `${householdId}-${name}`, householdId, villageId: 'v', name, relation: '子女', birthYear: 1990, isMinor: false, idLast4: null, version: 1, phone: null,
});
const all = (over: Partial<SearchFilter> = {}): SearchFilter => ({ query: '', groupNo: null, notVisited: false, visited: new Set(), recent: [], ...over });

describe('nameKeys', () => {
  it.each([
    ['张三丰', 'zsf', 'zhangsanfeng'],
    ['单雄信', 'sxx', 'shanxiongxin'],
    ['曾国藩', 'zgf', 'zengguofan'],
    ['解缙', 'xj', 'xiejin'],
    ['仇英', 'qy', 'qiuying'],
    ['欧阳修', 'oyx', 'ouyangxiu'],
    ['吕 小 绿', 'lxl', 'lvxiaolv'],
    ['', '', ''],
  ])('%s → %s / %s', (name, initials, full) => {
    expect(nameKeys(name)).toEqual({ initials, full });
  });
});

describe('searchHouseholds', () => {
  const households = [
    hh('a', '张三丰', '0001', 1), hh('b', '单雄信', '0002', 1), hh('c', '曾国藩', '0010', 2),
    hh('d', '解缙', '0011', 2), hh('e', '仇英', '0100', 3), hh('f', '王小明', '0101', 3),
  ];
  const index = buildSearchIndex(households, [person('f', '王丽'), person('a', '张翠山')]);
  const ids = (f: SearchFilter) => searchHouseholds(index, f).map((h) => h.id);

  it.each([
    ['zsf', ['a']],
    ['zhangsanfeng', ['a']],
    ['ZhangSan', ['a']],
    ['zhang san', ['a']],
    ['ｚｓｆ', ['a']],
    ['shan', ['b', 'a']], // 单雄信 by his surname first, then 张翠山 (a member of a)
    ['zeng', ['c']],
    ['xie', ['d']],
    ['qiu', ['e']],
    ['qy', ['e']],
    ['张三', ['a']],
    ['王丽', ['f']],
    ['wl', ['f']],
    ['zcs', ['a']], // a member, 张翠山
    ['0010', ['c']],
    ['xyz', []],
  ])('%j finds %j', (query, expected) => {
    expect(ids(all({ query }))).toEqual(expected);
  });

  it('ranks the exact household number first, then numbers containing what was typed', () => {
    const more = buildSearchIndex([...households, hh('g', '李四', '00010', 4)]);
    expect(searchHouseholds(more, all({ query: '0010' })).map((h) => h.id)).toEqual(['c', 'g']);
    expect(ids(all({ query: '001' })).sort()).toEqual(['a', 'c', 'd']);
    expect(ids(all({ query: '010' }))).toEqual(['e', 'f', 'c']);
  });

  it('sorts by pinyin (not by code point or strokes) when nothing is typed', () => {
    // qiu, shan, wang, xie, zeng, zhang
    expect(ids(all())).toEqual(['e', 'b', 'f', 'd', 'c', 'a']);
  });

  it('puts recently opened households first', () => {
    expect(ids(all({ recent: ['c', 'a'] }))).toEqual(['c', 'a', 'e', 'b', 'f', 'd']);
  });

  it('filters by group and by "not visited this month"', () => {
    expect(ids(all({ groupNo: 2 }))).toEqual(['d', 'c']);
    expect(ids(all({ notVisited: true, visited: new Set(['a', 'b', 'e']) }))).toEqual(['f', 'd', 'c']);
    expect(ids(all({ groupNo: 1, notVisited: true, visited: new Set(['a']), query: 's' }))).toEqual(['b']);
  });

  it('lists the groups of a village', () => {
    expect(groupsOf(households)).toEqual([1, 2, 3]);
  });
});
