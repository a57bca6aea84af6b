// COPY-text encoding round trip: what the worker encodes is what the SQLite writer binds.
import { describe, expect, it } from 'vitest';
import { encodeRows, forEachRow } from './encode';
import type { EntryEventRow, PersonRow } from './rows';

describe('encodeRows / forEachRow', () => {
  it('round-trips text with tabs, newlines, backslashes, \\N look-alikes, NULLs, numbers and Chinese', () => {
    const events: EntryEventRow[] = [
      { id: 'a', entry_id: 'e', village_id: 'v', from_state: null, to_state: 'submitted', actor_id: 'u', reason: '', at: '2026-11-01T00:00:00.000Z' },
      { id: 'b', entry_id: 'e', village_id: 'v', from_state: 'submitted', to_state: 'rejected', actor_id: 'u', reason: 'tab\\there\nline\r\\N 证据不足', at: 'x' },
      { id: 'c', entry_id: 'e', village_id: 'v', from_state: 'submitted', to_state: 'approved', actor_id: 'u', reason: '\\N', at: 'y' },
    ];
    const block = encodeRows('entry_events', events);
    expect(block.count).toBe(3);
    const back: unknown[][] = [];
    forEachRow(block, (values) => back.push([...values]));
    expect(back).toEqual(events.map((e) => [e.id, e.entry_id, e.village_id, e.from_state, e.to_state, e.actor_id, e.reason, e.at]));
  });

  it('gives integer columns back as numbers and grows its buffer for long rows', () => {
    const long = '张'.repeat(5000);
    const persons: PersonRow[] = [{
      id: 'p', household_id: 'h', village_id: 'v', name: long, relation: '户主', birth_year: 1960, is_minor: 0,
      id_hash: null, id_last4: null, id_cipher: null, phone: null, version: 1, deleted: 0, created_at: 'c', updated_at: 'u',
    }];
    const back: unknown[][] = [];
    forEachRow(encodeRows('persons', persons), (values) => back.push([...values]));
    expect(back[0][3]).toBe(long);
    expect(back[0][5]).toBe(1960);
    expect(back[0][6]).toBe(0);
    expect(encodeRows('persons', []).data.length).toBe(0);
  });
});
