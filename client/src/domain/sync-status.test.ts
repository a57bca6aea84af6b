import { describe, expect, it } from 'vitest';
import zhCN from '../i18n/zh-CN';
import en from '../i18n/en';
import {
  EXPLAINED_CODES, formatBytes, issueKey, storageRatio, storageTight, summarizeOutbox, waitedMs, waitLevel,
} from './sync-status';
import type { OutboxItem } from '../db/db';

const item = (over: Partial<OutboxItem>): OutboxItem => ({
  id: over.id ?? 'm', kind: 'entry.create', deviceSeq: 1, at: '2026-11-25T08:00:00.000Z',
  payload: {} as never, status: 'pending', attempts: 0, lastError: null, entityId: 'e', userId: 'me', ...over,
} as OutboxItem);

describe('summarizeOutbox', () => {
  it("counts the user's pending, refused and kept items, the oldest wait, and what is not exported", () => {
    const s = summarizeOutbox([
      item({ id: 'a', at: '2026-11-27T08:00:00.000Z' }),
      item({ id: 'b', at: '2026-11-25T08:00:00.000Z', exportedAt: '2026-11-26T00:00:00.000Z' }),
      // Another time zone notation of an earlier instant still counts as the oldest.
      item({ id: 'c', at: '2026-11-25T09:00:00.000+08:00' }),
      item({ id: 'd', status: 'attention', at: '2026-11-01T00:00:00.000Z' }),
      item({ id: 'e', status: 'attention', keptAt: '2026-11-02T00:00:00.000Z' }),
      item({ id: 'f', userId: 'other' }),
      item({ id: 'g', userId: 'other', status: 'attention' }),
    ], 'me');
    expect(s).toEqual({
      pending: 3, attention: 1, kept: 1, unexported: 2, oldestPendingAt: '2026-11-25T09:00:00.000+08:00',
      others: [{ userId: 'other', pending: 1, attention: 1 }],
    });
  });

  it('is empty for an empty outbox and treats everything as another user when nobody is signed in', () => {
    expect(summarizeOutbox([], 'me')).toMatchObject({ pending: 0, oldestPendingAt: null, others: [] });
    expect(summarizeOutbox([item({})], null)).toMatchObject({ pending: 0, others: [{ userId: 'me', pending: 1 }] });
  });
});

describe('waitedMs and waitLevel', () => {
  const now = Date.parse('2026-11-28T08:00:00.000Z');
  it('gives the age of the oldest item, never negative', () => {
    expect(waitedMs('2026-11-25T08:00:00.000Z', now)).toBe(3 * 24 * 3_600_000);
    expect(waitedMs('2026-11-29T08:00:00.000Z', now)).toBe(0);
    expect(waitedMs(null, now)).toBe(0);
    expect(waitedMs('garbage', now)).toBe(0);
  });
  it('warns after a day and alarms after three', () => {
    expect(waitLevel(23 * 3_600_000)).toBe('ok');
    expect(waitLevel(25 * 3_600_000)).toBe('warn');
    expect(waitLevel(3 * 24 * 3_600_000)).toBe('alarm');
  });
});

describe('storage', () => {
  it('formats bytes the way phones show storage', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(950_000)).toBe('950 KB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
    expect(formatBytes(null)).toBe('–');
  });
  it('computes the share in use and flags a nearly full quota', () => {
    expect(storageRatio({ usage: 50, quota: 200, persisted: true })).toBe(0.25);
    expect(storageRatio({ usage: null, quota: 200, persisted: null })).toBeNull();
    expect(storageRatio({ usage: 5, quota: 0, persisted: null })).toBeNull();
    expect(storageTight({ usage: 170, quota: 200, persisted: false })).toBe(true);
    expect(storageTight({ usage: 10, quota: 200, persisted: false })).toBe(false);
  });
});

describe('issueKey', () => {
  it('maps server codes to explanations, sharing texts between similar codes', () => {
    expect(issueKey('out_of_scope')).toBe('out_of_scope');
    expect(issueKey('points_sign')).toBe('points_range');
    expect(issueKey('entry_id_reused')).toBe('id_reused');
    expect(issueKey('something_new')).toBe('unknown');
    expect(issueKey(undefined)).toBe('unknown');
  });
});

describe('issue texts', () => {
  it('explain every documented refusal code in Chinese and English, with what to do', () => {
    expect(EXPLAINED_CODES).toEqual(expect.arrayContaining([
      'out_of_scope', 'future_time', 'points_range', 'cap_exceeded', 'indicator_unknown', 'person_required',
      'field_conflict', 'id_reused', 'invalid_mutation', 'role_may_not_record', 'not_withdrawable',
    ]));
    for (const code of [...EXPLAINED_CODES, 'unknown']) {
      const key = issueKey(code) as keyof typeof zhCN.issue;
      for (const messages of [zhCN, en]) {
        expect(messages.issue[key]?.reason, `${code} reason`).toBeTruthy();
        expect(messages.issue[key]?.todo, `${code} todo`).toBeTruthy();
      }
    }
  });
});
