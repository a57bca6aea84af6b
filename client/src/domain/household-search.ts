// Finding a household on the phone (issue 13 "Finding a household"): by household number, by the
// name of the head or of any member, and by pinyin — initials (`zsf`) or full (`zhangsanfeng`).
// Keys are computed here, on the phone, once per list load (buildSearchIndex); each keystroke is
// then a scan of short ASCII strings (well under 30 ms for 500 households, see
// household-search.test.ts and bench). pinyin-pro's surname mode reads 单 曾 解 仇 as the
// surnames shan / zeng / xie / qiu; it is applied to name fields only, because in that mode the
// first character of any text is read as a surname.
import { pinyin } from 'pinyin-pro';
import type { HouseholdDto, PersonDto } from '../../../shared/protocol/tables';

export interface NameKeys {
  /** Initials without separators: 张三丰 → 'zsf'. */
  initials: string;
  /** Full pinyin without tones or separators: 张三丰 → 'zhangsanfeng'. */
  full: string;
}

const NON_LETTERS = /[^a-z0-9]/g;

/** Pinyin keys of a person's name (non-Chinese characters keep their lower-case form). */
export function nameKeys(name: string): NameKeys {
  const clean = name.replace(/\s+/g, '');
  if (clean === '') return { initials: '', full: '' };
  const opts = { mode: 'surname', toneType: 'none', type: 'array', nonZh: 'consecutive', v: true } as const;
  const full = pinyin(clean, opts).map((s) => s.toLowerCase().replace(NON_LETTERS, ''));
  const initials = pinyin(clean, { ...opts, pattern: 'first' }).map((s) => s.toLowerCase().replace(NON_LETTERS, ''));
  return { initials: initials.join(''), full: full.join('') };
}

export interface SearchRow {
  household: HouseholdDto;
  /** Lower-case household number. */
  no: string;
  /** Names of the head and the members, as typed (Chinese matches by substring). */
  names: string[];
  keys: NameKeys[];
  /** Sort key: the head's full pinyin, then the household number. */
  sortKey: string;
}

export interface SearchIndex { rows: SearchRow[] }

/**
 * Builds the keys once for a village's list: every household's head and members. Rows come out
 * sorted by the head's pinyin (not Intl.Collator, which orders by stroke or code point depending
 * on the phone's ICU data), then by household number.
 */
export function buildSearchIndex(households: readonly HouseholdDto[], persons: readonly PersonDto[] = []): SearchIndex {
  const membersOf = new Map<string, string[]>();
  for (const p of persons) {
    const list = membersOf.get(p.householdId) ?? [];
    list.push(p.name);
    membersOf.set(p.householdId, list);
  }
  const cache = new Map<string, NameKeys>();
  const keysOf = (n: string) => {
    let k = cache.get(n);
    if (!k) cache.set(n, (k = nameKeys(n)));
    return k;
  };
  const rows = households.map((h): SearchRow => {
    const names = [h.headName, ...(membersOf.get(h.id) ?? []).filter((n) => n !== h.headName)];
    const keys = names.map(keysOf);
    return { household: h, no: h.householdNo.toLowerCase(), names, keys, sortKey: `${keys[0].full}\u0000${h.householdNo.padStart(8, '0')}` };
  });
  rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return { rows };
}

export interface SearchFilter {
  /** What was typed: a number, Chinese characters or pinyin letters. */
  query: string;
  /** 村民小组; null for all groups. */
  groupNo: number | null;
  /** Only households with nothing recorded this month (`visited` lists those with something). */
  notVisited: boolean;
  visited: ReadonlySet<string>;
  /** Recently opened household ids, most recent first: they come first in the result. */
  recent: readonly string[];
}

/** How well a row matches; 0 is no match. Exact household number and name prefixes rank first. */
function score(row: SearchRow, q: string, letters: string): number {
  if (q === '') return 1;
  if (row.no === q) return 6;
  if (row.no.includes(q)) return 3;
  for (const n of row.names) if (n.includes(q)) return n.startsWith(q) ? 5 : 4;
  if (letters === '') return 0;
  for (const k of row.keys) {
    if (k.initials.startsWith(letters) || k.full.startsWith(letters)) return 5;
  }
  for (const k of row.keys) {
    if (k.initials.includes(letters) || k.full.includes(letters)) return 2;
  }
  return 0;
}

/** The rows matching `filter`, best match first; equal matches keep pinyin order, recent ones first. */
export function searchHouseholds(index: SearchIndex, filter: SearchFilter): HouseholdDto[] {
  const q = filter.query.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
  const letters = q.replace(NON_LETTERS, '');
  const recentRank = new Map(filter.recent.map((id, i) => [id, i]));
  const hits: { row: SearchRow; score: number; recent: number; order: number }[] = [];
  index.rows.forEach((row, order) => {
    const h = row.household;
    if (filter.groupNo !== null && h.groupNo !== filter.groupNo) return;
    if (filter.notVisited && filter.visited.has(h.id)) return;
    const s = score(row, q, letters);
    if (s > 0) hits.push({ row, score: s, recent: recentRank.get(h.id) ?? Infinity, order });
  });
  hits.sort((a, b) => b.score - a.score || a.recent - b.recent || a.order - b.order);
  return hits.map((x) => x.row.household);
}

/** The groups (村民小组) present in a village, ascending. */
export function groupsOf(households: readonly HouseholdDto[]): number[] {
  return [...new Set(households.map((h) => h.groupNo))].sort((a, b) => a - b);
}
