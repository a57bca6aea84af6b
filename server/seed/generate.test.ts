// The pure generator: deterministic, valid ids and times, realistic rosters, caps respected,
// a complete life cycle per entry and a gap-free change log.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INDICATORS } from '../../shared/domain/catalog-default';
import { periodKey } from '../../shared/domain/period';
import { mutationContent } from '../../shared/sync/result-rules';
import { ENTRY_STATES } from '../../shared/domain/entry-state';
import { FIRST_APPROVAL_REASON, entryContentHash, generateTownship, generateVillage, type VillageSpec } from './generate';
import { createRng, uuid7At } from './random';
import { chinaMs, iso, noticePostings } from './timeline';

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const anchorMs = chinaMs('2026-11-28');

function spec(overrides: Partial<VillageSpec> = {}): VillageSpec {
  const t = generateTownship({ seed: 5, index: 0, code: 'T', name: '镇', createdMs: chinaMs('2025-12-01'), catalogEffectiveFrom: '2026-01-01', noticeDays: 7 });
  return {
    seed: 5, index: 3, townshipId: t.township.id, catalogVersionId: t.catalogVersion.id, code: 'V',
    households: 60, entries: 1500, rosterMs: chinaMs('2025-12-10', 9), from: '2026-01-01', anchorMs, noticeDays: 7,
    collectors: [{ id: 'collector', deviceId: 'device-c' }],
    committee: [{ id: 'reviewer-a', deviceId: 'device-a' }, { id: 'reviewer-b', deviceId: 'device-b' }],
    idShare: 0.5,
    protectId: (id) => ({ idHash: `h(${id})`, idLast4: id.slice(-4), idCipher: `c(${id})` }),
    issuedIds: new Set(), deviceSeqs: new Map(),
    ...overrides,
  };
}

describe('random and time helpers', () => {
  it('makes UUIDs of version-7 layout that carry the given time and repeat for the same seed', () => {
    const a = createRng(1, 2, 3), b = createRng(1, 2, 3), c = createRng(1, 2, 4);
    const ms = Date.UTC(2026, 10, 27, 3, 4, 5, 678);
    const ids = Array.from({ length: 1000 }, () => uuid7At(a, ms));
    expect(ids.every((id) => UUID7.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(1000);
    expect(parseInt(ids[0].replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
    expect(uuid7At(b, ms)).toBe(ids[0]);
    expect(uuid7At(c, ms)).not.toBe(ids[0]);
  });

  it('formats times exactly like toISOString', () => {
    const rng = createRng(9);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rng.next() * 4_000_000_000_000);
      expect(iso(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('posts notices every two weeks, the last one still open at the anchor', () => {
    const p = noticePostings(chinaMs('2026-08-01'), anchorMs);
    expect(p.length).toBeGreaterThan(5);
    expect(p[p.length - 1]).toBe(chinaMs('2026-11-24', 9));
    expect(p[p.length - 1] + 7 * 86_400_000).toBeGreaterThan(anchorMs);
  });
});

describe('generateVillage', () => {
  it('is deterministic', () => {
    const a = generateVillage(spec());
    const b = generateVillage(spec());
    expect(b).toEqual(a);
    expect(generateVillage(spec({ index: 4 })).village.id).not.toBe(a.village.id);
  });

  it('keeps the roster when only the number of entries changes', () => {
    const a = generateVillage(spec({ entries: 10 }));
    const b = generateVillage(spec({ entries: 500 }));
    expect(b.persons).toEqual(a.persons);
  });

  it('builds households of 1–6 persons with one head, minors without ID numbers, unique ID numbers', () => {
    const v = generateVillage(spec({ idShare: 1 }));
    expect(v.households).toHaveLength(60);
    for (const h of v.households) {
      const members = v.persons.filter((p) => p.household_id === h.id);
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(6);
      expect(members.filter((p) => p.relation === '户主').map((p) => p.name)).toEqual([h.head_name]);
      expect(members.every((p) => ['户主', '配偶', '子女', '父母'].includes(p.relation))).toBe(true);
    }
    for (const p of v.persons) {
      if (p.is_minor) expect(p.id_cipher).toBeNull();
      else expect(p.id_cipher).toMatch(/^c\(\d{17}[\dX]\)$/);
      if (p.birth_year! > 2008) expect(p.is_minor).toBe(1);
      if (p.birth_year! < 2008) expect(p.is_minor).toBe(0);
    }
    const ids = v.persons.filter((p) => p.id_cipher).map((p) => p.id_cipher);
    expect(new Set(ids).size).toBe(ids.length);
    expect(v.households.filter((h) => h.phone).every((h) => /^1[3-9]\d{9}$/.test(h.phone!))).toBe(true);
  });

  it('respects indicator caps per household and period', () => {
    const v = generateVillage(spec({ households: 5, entries: 3000 }));
    const byCode = new Map(DEFAULT_INDICATORS.map((i) => [i.code, i]));
    const counts = new Map<string, number>();
    for (const e of v.entries) {
      const ind = byCode.get(e.indicator_code)!;
      const key = periodKey(ind.capPeriod, e.occurred_on);
      if (key === null || ind.capCount === null) continue;
      const k = `${e.household_id}|${e.indicator_code}|${key}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      expect(counts.get(k)).toBeLessThanOrEqual(ind.capCount);
    }
  });

  it('walks every entry through a consistent life cycle', () => {
    const v = generateVillage(spec());
    const events = new Map<string, typeof v.events>();
    for (const ev of v.events) events.set(ev.entry_id, [...(events.get(ev.entry_id) ?? []), ev]);
    const states = new Set(v.entries.map((e) => e.state));
    for (const s of ['submitted', 'approved', 'publicized', 'effective', 'rejected']) expect(states).toContain(s);
    for (const e of v.entries) {
      expect(ENTRY_STATES).toContain(e.state);
      const evs = events.get(e.id)!;
      expect(evs[0]).toMatchObject({ from_state: null, to_state: 'submitted', actor_id: e.recorder_id, at: e.created_at });
      expect(evs[evs.length - 1].to_state).toBe(e.state);
      expect(evs[evs.length - 1].at).toBe(e.updated_at);
      for (let i = 1; i < evs.length; i++) {
        expect(evs[i].from_state).toBe(evs[i - 1].to_state);
        expect(evs[i].at >= evs[i - 1].at).toBe(true);
      }
      expect(evs.every((ev) => ev.at < iso(anchorMs))).toBe(true);
      expect(e.occurred_on < '2026-11-28').toBe(true);
      const approvers = evs.filter((ev) => ev.from_state === 'submitted' && ev.to_state !== 'rejected').map((ev) => ev.actor_id);
      expect(approvers).not.toContain(e.recorder_id);
      if (e.points < 0) {
        expect(e.note).not.toBe('');
        if (['approved', 'publicized', 'effective'].includes(e.state)) {
          expect(new Set(approvers).size).toBe(2);
          expect(evs.find((ev) => ev.to_state === 'submitted' && ev.from_state === 'submitted')?.reason).toBe(FIRST_APPROVAL_REASON);
        }
      }
      if (e.state === 'rejected') expect(evs[evs.length - 1].reason).not.toBe('');
      if (['publicized', 'effective'].includes(e.state)) expect(v.notices.map((n) => n.id)).toContain(e.notice_id);
      else expect(e.notice_id).toBeNull();
    }
    expect(v.entries.some((e) => e.points < 0 && e.state === 'effective')).toBe(true);
  });

  it('numbers one change per entity 1..n and ends the counter there', () => {
    const v = generateVillage(spec());
    expect(v.changes.map((c) => c.seq)).toEqual(v.changes.map((_, i) => i + 1));
    expect(v.village.change_seq).toBe(v.changes.length);
    expect(v.changes.length).toBe(1 + v.households.length + v.persons.length + v.entries.length);
    expect(new Set(v.changes.map((c) => `${c.entity}:${c.entity_id}`)).size).toBe(v.changes.length);
    expect(v.changes.every((c) => c.scope === `village:${v.village.id}`)).toBe(true);
  });

  it("hashes entries the way a phone's entry.create would", () => {
    const v = generateVillage(spec({ entries: 20 }));
    for (const e of v.entries) {
      const payload = {
        entryId: e.id, householdId: e.household_id, personId: e.person_id, catalogVersionId: e.catalog_version_id,
        indicatorCode: e.indicator_code, occurredOn: e.occurred_on, points: e.points, note: e.note, reverses: null,
      };
      const expected = crypto.createHash('sha256').update(mutationContent({ kind: 'entry.create', payload })).digest('hex');
      expect(e.content_hash).toBe(expected);
      expect(entryContentHash({ ...payload, id: e.id })).toBe(expected);
    }
  });
});
