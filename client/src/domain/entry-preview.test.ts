import { describe, expect, it } from 'vitest';
import {
  daysBefore, formatEntryDate, previewEntry, pushRecent, recentIndicators,
  type PreviewEntry,
} from './entry-form';
import { indicatorSearchKeys, searchIndicators } from './indicator-search';
import type { IndicatorDto } from '../../../shared/protocol/tables';

const ind = (over: Partial<IndicatorDto>): IndicatorDto => ({
  id: over.code ?? 'x', catalogVersionId: 'v', code: 'X', category: '社会公德', nameZh: '', nameEn: '',
  sign: 1, pointsMin: 5, pointsMax: 5, capCount: null, capPeriod: null, evidenceRequired: false,
  subject: 'household', recorderRoles: ['collector'], sort: 0, ...over,
});

const volunteer = ind({ code: 'B01', nameZh: '志愿服务（半天）', nameEn: 'Volunteering (half day)', pointsMin: 3, pointsMax: 3, capCount: 2, capPeriod: 'month' });
const lost = ind({ code: 'B02', nameZh: '拾金不昧', nameEn: 'Returning lost property', pointsMin: 5, pointsMax: 10 });
const dumping = ind({ code: 'B10', nameZh: '乱倒垃圾（经劝导不改）', nameEn: 'Dumping rubbish', sign: -1, pointsMin: -5, pointsMax: -5 });

let n = 0;
const entry = (over: Partial<PreviewEntry>): PreviewEntry => ({
  id: `e${++n}`, householdId: 'h1', personId: null, indicatorCode: 'B01', occurredOn: '2026-12-02', points: 3, state: 'submitted', ...over,
});

describe('searchIndicators', () => {
  const keys = indicatorSearchKeys([volunteer, lost, dumping]);
  it.each([
    ['志愿', ['B01']],
    ['zyfw', ['B01']], // pinyin initials
    ['zhiyuan', ['B01']], // full pinyin
    ['sjbm', ['B02']],
    ['LAJI', ['B10']],
    ['volunteer', ['B01']],
    ['b10', ['B10']],
    ['ｚｙ', ['B01']], // full-width letters from the IME
    ['', []],
    ['不存在的', []],
  ])('%j → %j', (q, codes) => {
    expect(searchIndicators(keys, q).map((i) => i.code)).toEqual(codes);
  });
});

describe('recently used indicators', () => {
  it('keeps each code once, most recent first, and drops codes not in the catalogue', () => {
    const recent = pushRecent(pushRecent(pushRecent([], 'B01'), 'B02'), 'B01');
    expect(recent).toEqual(['B01', 'B02']);
    expect(recentIndicators([...recent, 'GONE', 'B10'], [volunteer, lost, dumping]).map((i) => i.code)).toEqual(['B01', 'B02', 'B10']);
    expect(pushRecent(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });
});

describe('previewEntry (shown while choosing)', () => {
  const base = { householdId: 'h1', personId: null, occurredOn: '2026-12-02' };

  it('shows the cap used in the period and when it is reached, counting entries that arrived by sync', () => {
    const one = previewEntry({ ...base, indicator: volunteer, points: 3, entries: [entry({ occurredOn: '2026-12-01', state: 'queued' })] });
    expect(one.cap).toEqual({ used: 1, count: 2, period: 'month', reached: false });
    const two = previewEntry({
      ...base, indicator: volunteer, points: 3,
      entries: [entry({ occurredOn: '2026-12-01', state: 'queued' }), entry({ occurredOn: '2026-12-01', state: 'approved' }),
        entry({ occurredOn: '2026-11-30' }), entry({ state: 'rejected' }), entry({ householdId: 'h2' })],
    });
    expect(two.cap).toMatchObject({ used: 2, reached: true });
    expect(previewEntry({ ...base, indicator: lost, points: 5, entries: [] }).cap).toBeNull();
  });

  it('flags a likely duplicate: same household, indicator and day, from any recorder, but not withdrawn ones', () => {
    const mine = entry({ indicatorCode: 'B02', state: 'queued' });
    const synced = entry({ indicatorCode: 'B02', state: 'effective' });
    const p = previewEntry({
      ...base, indicator: lost, points: 5,
      entries: [mine, synced, entry({ indicatorCode: 'B02', state: 'withdrawn' }), entry({ indicatorCode: 'B02', occurredOn: '2026-12-01' }),
        entry({ indicatorCode: 'B02', householdId: 'h2' })],
    });
    expect(p.duplicates.map((e) => e.id)).toEqual([mine.id, synced.id]);
  });

  it('shows the effect on standing and stars with computeStanding / starLevel', () => {
    const effective = [entry({ indicatorCode: 'B02', points: 17, state: 'effective', occurredOn: '2026-03-01' })];
    const up = previewEntry({ ...base, indicator: lost, points: 5, entries: effective });
    expect(up.before).toEqual({ standing: 117, stars: 2 });
    expect(up.after).toEqual({ standing: 122, stars: 3 });
    const down = previewEntry({ ...base, indicator: dumping, points: -5, entries: effective });
    expect(down.after).toEqual({ standing: 112, stars: 2 });
  });
});

describe('dates the Chinese way', () => {
  it('writes 2026年12月2日 and never 12/02/2026', () => {
    expect(formatEntryDate('2026-12-02', 'zh-CN')).toBe('2026年12月2日 星期三');
    expect(formatEntryDate('2026-12-02', 'en')).toBe('2026-12-02 Wed');
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(daysBefore('2026-01-01', 2)).toBe('2025-12-30');
  });
});
