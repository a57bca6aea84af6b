import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_FUTURE_SKEW_MS } from '../protocol/sync';
import {
  batchFailureAction, canonicalJson, classifyInsert, dedupeBatch, isFutureTimestamp, isRetryable,
  mutationContent, needsAttention, nextBackoffMs, shouldLeaveOutbox,
} from './result-rules';

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorted keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['nested objects sorted', { z: { y: 1, x: [3, { d: 1, c: 2 }] }, a: null }, '{"a":null,"z":{"x":[3,{"c":2,"d":1}],"y":1}}'],
    ['arrays keep order', [3, 1, 2], '[3,1,2]'],
    ['undefined property dropped', { a: undefined, b: 1 }, '{"b":1}'],
    ['undefined in array → null', [undefined, 1], '[null,1]'],
    ['function property dropped', { f: () => 1, a: 1 }, '{"a":1}'],
    ['non-finite numbers → null', [Number.NaN, Number.POSITIVE_INFINITY], '[null,null]'],
    ['-0 → 0', -0, '0'],
    ['strings escaped', 'a"b\\c\n张', '"a\\"b\\\\c\\n张"'],
    ['unicode keys by code unit', { 张: 1, a: 2, Z: 3 }, '{"Z":3,"a":2,"张":1}'],
    ['Date via toJSON', { d: new Date('2025-01-02T03:04:05.000Z') }, '{"d":"2025-01-02T03:04:05.000Z"}'],
    ['booleans and null', [true, false, null], '[true,false,null]'],
    ['empty containers', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['shared (non-cyclic) reference', (() => { const s = { x: 1 }; return [s, s]; })(), '[{"x":1},{"x":1}]'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['function', () => 1],
    ['BigInt', { n: BigInt(1) }],
    ['cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
  ])('throws on %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('is independent of key insertion order and parses back to the same value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const shuffled = JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x) as unknown;
      expect(canonicalJson(shuffled)).toBe(canonicalJson(v));
      expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
    }));
  });
});

describe('mutationContent', () => {
  const base = { id: 'm1', deviceSeq: 1, at: '2025-01-01T00:00:00.000Z', kind: 'entry.withdraw', payload: { entryId: 'e', reason: 'x' } };
  it.each<[string, object, boolean]>([
    ['identical', { ...base }, true],
    ['other at and deviceSeq', { ...base, deviceSeq: 9, at: '2025-02-02T00:00:00.000Z' }, true],
    ['payload keys reordered', { ...base, payload: { reason: 'x', entryId: 'e' } }, true],
    ['other payload', { ...base, payload: { entryId: 'e', reason: 'y' } }, false],
    ['other kind', { ...base, kind: 'entry.create' }, false],
  ])('%s → same: %s', (_name, other, same) => {
    expect(mutationContent(other) === mutationContent(base)).toBe(same);
  });
});

describe('classifyInsert', () => {
  it.each<[boolean, string | null, string, string]>([
    [true, null, 'h1', 'applied'],
    [true, 'h2', 'h1', 'applied'],
    [false, 'h1', 'h1', 'duplicate'],
    [false, 'h2', 'h1', 'conflict'],
    [false, null, 'h1', 'conflict'],
  ])('inserted=%s stored=%s incoming=%s → %s', (inserted, storedHash, incomingHash, expected) => {
    expect(classifyInsert({ inserted, storedHash, incomingHash })).toBe(expected);
  });
});

describe('dedupeBatch', () => {
  const m = (id: string, reason: string) => ({ id, kind: 'entry.withdraw', payload: { entryId: 'e', reason } });
  it.each<[string, ReturnType<typeof m>[], string[], { index: number; firstIndex: number; id: string; status: string }[]]>([
    ['empty', [], [], []],
    ['all distinct', [m('a', 'x'), m('b', 'x')], ['a', 'b'], []],
    ['same id, same content', [m('a', 'x'), m('a', 'x')], ['a'], [{ index: 1, firstIndex: 0, id: 'a', status: 'duplicate' }]],
    ['same id, other content', [m('a', 'x'), m('a', 'y')], ['a'], [{ index: 1, firstIndex: 0, id: 'a', status: 'conflict' }]],
    ['compared with the first, not the previous', [m('a', 'x'), m('a', 'y'), m('a', 'y'), m('a', 'x')], ['a'], [
      { index: 1, firstIndex: 0, id: 'a', status: 'conflict' },
      { index: 2, firstIndex: 0, id: 'a', status: 'conflict' },
      { index: 3, firstIndex: 0, id: 'a', status: 'duplicate' },
    ]],
    ['interleaved', [m('a', 'x'), m('b', 'x'), m('a', 'x'), m('c', 'x'), m('b', 'z')], ['a', 'b', 'c'], [
      { index: 2, firstIndex: 0, id: 'a', status: 'duplicate' },
      { index: 4, firstIndex: 1, id: 'b', status: 'conflict' },
    ]],
  ])('%s', (_name, batch, uniqueIds, repeats) => {
    const r = dedupeBatch(batch);
    expect(r.unique.map((x) => x.id)).toEqual(uniqueIds);
    expect(r.repeats).toEqual(repeats);
  });

  it('keeps the first object itself and accepts a custom content function', () => {
    const first = { id: 'a', v: 1 };
    const r = dedupeBatch([first, { id: 'a', v: 2 }], (x) => String(x.v % 1));
    expect(r.unique[0]).toBe(first);
    expect(r.repeats[0].status).toBe('duplicate');
  });

  it('unique ids plus repeats always account for every item', () => {
    fc.assert(fc.property(fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), payload: fc.nat(2) })), (batch) => {
      const r = dedupeBatch(batch);
      expect(r.unique.length + r.repeats.length).toBe(batch.length);
      expect(new Set(r.unique.map((x) => x.id)).size).toBe(r.unique.length);
    }));
  });
});

describe('isFutureTimestamp', () => {
  const now = Date.parse('2025-06-01T12:00:00.000Z');
  it.each<[string, number | undefined, boolean]>([
    ['2025-06-01T12:00:00.000Z', undefined, false],
    ['2025-05-01T12:00:00.000Z', undefined, false],
    ['2025-06-01T12:05:00.000Z', undefined, false], // exactly the allowed skew
    ['2025-06-01T12:05:00.001Z', undefined, true],
    ['2025-06-02T00:00:00.000Z', undefined, true],
    ['2025-06-01T12:00:01.000Z', 0, true],
    ['2025-06-01T12:59:00.000Z', 3600_000, false],
    ['not a date', undefined, true],
    ['', undefined, true],
  ])('%j (skew %s) → %s', (iso, skew, expected) => {
    expect(isFutureTimestamp(iso, now, skew)).toBe(expected);
  });

  it('defaults to the protocol skew', () => {
    expect(MAX_FUTURE_SKEW_MS).toBe(5 * 60 * 1000);
  });
});

describe('shouldLeaveOutbox / needsAttention', () => {
  it.each<[string | undefined, boolean, boolean]>([
    ['applied', true, false],
    ['duplicate', true, false],
    ['rejected', true, true],
    ['forbidden', true, true],
    ['conflict', true, true],
    [undefined, false, false],
    ['deferred', false, false], // unknown status from a newer server: keep and resend
    ['', false, false],
  ])('%j → leave %s, attention %s', (status, leave, attention) => {
    expect(shouldLeaveOutbox(status)).toBe(leave);
    expect(needsAttention(status)).toBe(attention);
  });
});

describe('batchFailureAction / isRetryable', () => {
  it.each<[number | null, string, boolean]>([
    [null, 'retry', true],
    [0, 'retry', true],
    [200, 'retry', true], // unreadable 2xx answer, e.g. a captive portal page
    [400, 'retry', true],
    [403, 'retry', true],
    [404, 'retry', true],
    [409, 'retry', true],
    [413, 'retry_smaller', true],
    [415, 'retry', true],
    [429, 'retry', true],
    [500, 'retry', true],
    [502, 'retry', true],
    [503, 'retry', true],
    [401, 'wait_for_login', false],
    [426, 'update_app', false],
  ])('%s → %s', (status, action, retry) => {
    expect(batchFailureAction(status)).toBe(action);
    expect(isRetryable(status)).toBe(retry);
  });
});

describe('nextBackoffMs', () => {
  it.each<[number, { baseMs?: number; capMs?: number }, number, number]>([
    [1, {}, 0, 1000],
    [1, {}, 1, 2000],
    [2, {}, 0, 2000],
    [2, {}, 0.5, 3000],
    [3, {}, 1, 8000],
    [8, {}, 1, 256_000],
    [9, {}, 1, 300_000], // 512 s capped at 5 min
    [9, {}, 0, 150_000],
    [1e6, {}, 1, 300_000], // never gives up, never overflows
    [Number.POSITIVE_INFINITY, {}, 1, 300_000],
    [Number.NaN, {}, 1, 2000], // nonsense attempt → first step
    [0, {}, 1, 2000],
    [-3, {}, 1, 2000],
    [1.9, {}, 1, 2000],
    [3, { baseMs: 100, capMs: 1000 }, 1, 400],
    [5, { baseMs: 100, capMs: 1000 }, 1, 1000],
    [1, {}, 7, 2000], // a broken random source is clamped
    [1, {}, -7, 1000],
  ])('attempt %s %j random %s → %i', (attempt, opts, r, expected) => {
    expect(nextBackoffMs(attempt, opts, () => r)).toBe(expected);
  });

  it('stays within [step/2, cap] with the real random source', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), (attempt) => {
      const ms = nextBackoffMs(attempt);
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(300_000);
    }));
  });
});
