import { describe, expect, it } from 'vitest';
import {
  MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_ENTRY, checkEvidence, evidenceNeeded, parseContentRange, sniffImageType, type EvidenceRef,
} from './evidence';

const ref = (n: number, over: Partial<EvidenceRef> = {}): EvidenceRef => ({
  hash: n.toString(16).padStart(64, '0'), size: 1000, type: 'image/jpeg', takenAt: '2026-12-02T08:00:00.000Z', ...over,
});

describe('evidenceNeeded', () => {
  it.each([
    [{ evidenceRequired: true, sign: 1 }, null, true],
    [{ evidenceRequired: false, sign: 1 }, null, false],
    [{ evidenceRequired: false, sign: -1 }, null, true], // every deduction, whatever the catalog row says
    [{ evidenceRequired: true, sign: -1 }, 'some-entry', false], // a correction brings no new facts
  ])('%o reverses=%s → %s', (ind, reverses, expected) => {
    expect(evidenceNeeded(ind, reverses)).toBe(expected);
  });
});

describe('checkEvidence', () => {
  it.each([
    ['needed, none', true, [], 'evidence_required'],
    ['needed, one', true, [ref(1)], null],
    ['not needed, none', false, [], null],
    ['too many', false, Array.from({ length: MAX_EVIDENCE_PER_ENTRY + 1 }, (_, i) => ref(i)), 'evidence_too_many'],
    ['same photo twice', true, [ref(1), ref(1)], 'evidence_duplicate'],
    ['too large', true, [ref(1, { size: MAX_EVIDENCE_BYTES + 1 })], 'evidence_too_large'],
    ['a GIF', true, [ref(1, { type: 'image/gif' })], 'evidence_type'],
  ] as const)('%s', (_name, needed, refs, code) => {
    expect(checkEvidence(needed, refs)).toBe(code);
  });
});

describe('parseContentRange', () => {
  it.each([
    ['bytes 0-99/100', { start: 0, end: 99, total: 100 }],
    ['bytes 90-99/100', { start: 90, end: 99, total: 100 }],
    ['bytes 0-100/100', null],
    ['bytes 5-4/100', null],
    ['bytes */100', null],
    ['0-99/100', null],
    [undefined, null],
  ])('%s', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});

describe('sniffImageType', () => {
  it('knows JPEG, PNG and WebP by their first bytes, and nothing else', () => {
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBeNull();
  });
});
