// The guardrails of domain.md that touch moral points, one describe each (issue 12 "Guardrails"),
// through the real app on SQLite and PostgreSQL: 2 (due process for deductions), 3 (deductions
// drop out after 12 months, and how to restore standing), 6 (ID numbers), 7 (data
// minimisation), 8 (retention: anonymised after three years) and 10 (every star change explained
// entry by entry). Guardrails 1, 4, 5 and 9 are tested with the credit, board, consent and
// resident features.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDialects } from '../test/databases';
import { createFixture, TEST_ID_NUMBER, type Fixture, type FixtureUser } from '../test/fixtures';
import { fakeJpeg, linkEvidence, sha256Hex, uploadPhoto } from '../test/evidence';
import { anonymiseOldDeductions } from '../jobs/retention';
import { checkIndicator } from '../../shared/domain/catalog-check';
import { DEFAULT_INDICATORS } from '../../shared/domain/catalog-default';
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { starLevel } from '../../shared/domain/stars';

const DAY = 86_400_000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(await testDialects())('guardrails on %s', (dialect) => {
  let fx: Fixture;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-guardrails-'));
    fx = await createFixture(dialect, { config: { dataDir } });
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  // Each test starts on the fixture's day with no entry waiting for a notice in V1.
  beforeEach(async () => {
    fx.clock.set(new Date('2025-06-15T02:00:00.000Z'));
    await fx.deps.db.updateTable('entries').set({ state: 'rejected' }).where('village_id', '=', fx.ids.v1).where('state', 'in', ['submitted', 'approved', 'publicized', 'objected']).execute();
    await fx.deps.db.updateTable('notices').set({ status: 'closed' }).where('village_id', '=', fx.ids.v1).execute();
  });

  const json = async (res: Response, status: number): Promise<Json> => {
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body as Json;
  };
  const decide = (user: FixtureUser, id: string, decision: string, reason = '', basis: unknown = undefined) =>
    fx.request(user, 'POST', `/api/review/entries/${id}/decisions`, { decision, reason, ...(basis !== undefined ? { basis } : {}) });
  const stateOf = async (id: string) => (await fx.deps.db.selectFrom('entries').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const household = async (user: FixtureUser = 'resident') => json(await fx.request(user, 'GET', `/api/households/${fx.ids.h1}`), 200);

  describe('guardrail 2: a deduction needs a basis, evidence, notice to the household, a public notice with an objection window, and two approvers', () => {
    it('guardrail 2: the catalogue checker refuses deduction indicators without a basis or without evidence', () => {
      const base = { code: 'X1', nameZh: '乱堆乱放', sign: -1 as const, pointsMin: -5, pointsMax: -5 };
      expect(checkIndicator({ ...base, evidenceRequired: true, basisKind: null }).map((p) => p.code)).toEqual(['basis_required']);
      expect(checkIndicator({ ...base, evidenceRequired: false, basisKind: 'village_rule' }).map((p) => p.code)).toEqual(['evidence_required']);
      expect(checkIndicator({ ...base, nameZh: '未参加村民会议', evidenceRequired: true, basisKind: 'village_rule' }).map((p) => p.code)).toEqual(['non_participation']);
      expect(checkIndicator({ ...base, nameZh: '越级上访', evidenceRequired: true, basisKind: 'village_rule' }).map((p) => p.code)).toContain('petitioning');
      // The default catalogue passes: every deduction in it requires evidence.
      for (const i of DEFAULT_INDICATORS.filter((d) => d.sign < 0)) expect(i.evidenceRequired, i.code).toBe(true);
    });

    it('guardrail 2: without evidence, without a basis, or with one approver a deduction stays submitted', async () => {
      const bare = await fx.addEntry({ points: -5, note: '' });
      expect((await json(await decide('committee', bare, 'approve', '', { kind: 'village_rule', text: '村规民约第5条' }), 409)).error.code).toBe('evidence_required');
      const id = await fx.addEntry({ points: -5 });
      expect((await json(await decide('committee', id, 'approve'), 409)).error.code).toBe('basis_required');
      await json(await decide('committee', id, 'approve', '', { kind: 'village_rule', text: '村规民约第5条' }), 200);
      expect(await stateOf(id)).toBe('submitted');
      expect((await json(await decide('committee', id, 'approve'), 409)).error.code).toBe('already_approved');
      // The recorder never decides on their own entry, even as the second approver.
      const own = await fx.addEntry({ points: -5, recorder: 'committee2' });
      await json(await decide('committee', own, 'approve', '', { kind: 'village_rule', text: '村规民约第5条' }), 200);
      expect((await json(await decide('committee2', own, 'approve'), 403)).error.code).toBe('own_entry');
      expect(await stateOf(own)).toBe('submitted');
      // A deduction cannot slip through a batch approval.
      const batch = await json(await fx.request('committee2', 'POST', `/api/review/batch-approve?villageId=${fx.ids.v1}`, { entryIds: [id] }), 200);
      expect(batch.results[0].code).toBe('not_batch_approvable');
    });

    it('guardrail 2: a photo is evidence enough; two members approve; the household is told; it counts only after an objection-free notice', async () => {
      const photo = fakeJpeg(20_000);
      expect([200, 201]).toContain((await uploadPhoto(fx, 'collector', photo)).status);
      const id = await fx.addEntry({ points: -5, note: '' });
      await linkEvidence(fx, id, sha256Hex(photo), photo.length);
      const before = (await household()).standing.standing as number;
      await json(await decide('committee', id, 'approve', '', { kind: 'official_finding', text: '镇综合执法队告知书〔2025〕7号' }), 200);
      const second = await json(await decide('committee2', id, 'approve'), 200);
      expect(second.entry).toMatchObject({ state: 'approved', basis: { kind: 'official_finding' } });
      const approvers = await fx.deps.db.selectFrom('entry_events').select('actor_id').distinct().where('entry_id', '=', id).execute();
      expect(approvers).toHaveLength(2);

      // Notice to the household: the resident's own page carries the deduction and its events.
      const seen = await household();
      expect(seen.entries.find((e: Json) => e.id === id)).toMatchObject({ state: 'approved', points: -5 });
      expect(seen.history.filter((h: Json) => h.entryId === id).map((h: Json) => h.toState)).toEqual(['submitted', 'approved']);

      // Public notice: not counted while on notice; an objection in the window holds it.
      const { notice } = await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 7 }), 201);
      expect(await stateOf(id)).toBe('publicized');
      expect((await household()).standing.standing).toBe(before);
      const objection = await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: id, grounds: '当天我家没有倒垃圾，请核实' }), 201);
      expect(await stateOf(id)).toBe('objected');
      fx.clock.advance(8 * DAY);
      expect((await household()).standing.standing).toBe(before); // the window ended, but an objection is pending
      await json(await fx.request('committee', 'POST', `/api/objections/${objection.objection.id}/resolution`, { resolution: 'dismissed', reason: '有执法队告知书和照片为证' }), 200);
      expect(await stateOf(id)).toBe('effective');
      expect((await household()).standing.standing).toBe(before - 5);
      // After the window no objection is taken any more (the deadline is the server's).
      const late = await fx.addEntry({ points: 5, state: 'approved' });
      expect((await json(await fx.request('resident', 'POST', `/api/notices/${notice.id}/objections`, { entryId: late, grounds: '迟到的异议' }), 409)).error.code).toMatch(/closed|invalid_state|not_on_notice|window/);
    });
  });

  describe('guardrail 3: deductions drop out of rankings after 12 months; a household can see how to restore standing', () => {
    it('guardrail 3: deductions drop out of rankings after 12 months', async () => {
      const ranking = async () => {
        const body = await json(await fx.request('township', 'GET', '/api/township/ranking?year=2024&metric=median'), 200);
        return [...body.rows, ...body.unranked].find((r: Json) => r.villageId === fx.ids.v1)?.medianStanding as number;
      };
      const before = await ranking();
      await fx.addEntry({ points: -20, state: 'effective', occurredOn: '2024-07-01', indicatorCode: 'C06' });
      expect(await ranking()).toBe(before - 20); // within 12 months (seen on 2025-06-15)
      fx.clock.set(new Date('2025-06-30T02:00:00.000Z'));
      expect(await ranking()).toBe(before - 20); // the last day it counts
      fx.clock.set(new Date('2025-07-01T02:00:00.000Z'));
      expect(await ranking()).toBe(before); // 12 months on: dropped out
    });

    it('guardrail 3: the household sees when each deduction stops counting and what raises its level', async () => {
      const id = await fx.addEntry({ points: -5, state: 'effective', occurredOn: '2025-06-01' });
      const { explanation } = await household();
      expect(explanation.lines.find((l: Json) => l.entryId === id)).toMatchObject({ counts: true, points: -5 });
      expect(explanation.toRaise).toContain('2025-06-01「经劝导后仍乱倒垃圾」-5 分将于 2026-06-01 起不再计入。');
      expect(explanation.toRaise.some((s: string) => /^再得 \d+ 分可达到 ★\d/.test(s))).toBe(true);
    });
  });

  describe('guardrail 6: ID numbers never in clear outside the sealed columns', () => {
    it('guardrail 6: a note holding an ID number stored before the note rule leaves the server masked', async () => {
      const idNo = makeSyntheticIdNumber('370283', '19800512', 41);
      const id = await fx.addEntry({ points: 5, note: `帮扶对象 ${idNo} 已核实` });
      const masked = `${idNo.slice(0, 6)}********${idNo.slice(-4)}`;
      const queue = await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`);
      const page = await fx.request('committee', 'GET', `/api/households/${fx.ids.h1}`);
      const history = await fx.request('committee', 'GET', `/api/review/entries/${id}/history`);
      for (const res of [queue, page, history]) {
        const text = await res.text();
        expect(text).not.toContain(idNo);
        expect(text).not.toContain(TEST_ID_NUMBER);
        expect(text).toContain(masked);
      }
    });

    it('guardrail 6: the notice sheet and the household page carry no ID number of the members', async () => {
      await fx.addEntry({ points: 5, state: 'approved' });
      const { notice } = await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 7 }), 201);
      const texts = [
        await (await fx.request('committee', 'GET', `/api/notices/${notice.id}`)).text(),
        await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).text(),
        await (await fx.request('committee', 'GET', `/api/households/${fx.ids.h1}`)).text(),
      ];
      for (const t of texts) {
        expect(t).not.toContain(TEST_ID_NUMBER);
        expect(t).not.toMatch(/\d{17}[\dXx]/);
      }
    });
  });

  describe('guardrail 7: data minimisation (no religion, health, biometric or precise home location)', () => {
    it('guardrail 7: no table has a column for religion, health, biometrics or a home location', async () => {
      const tables = dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(fx.deps.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(fx.deps.db)).rows.map((r) => r.name);
      const columns: string[] = [];
      for (const t of tables) {
        const cols = dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from pragma_table_info(${t})`.execute(fx.deps.db)).rows
          : (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = ${t} and table_schema = current_schema()`.execute(fx.deps.db)).rows;
        columns.push(...cols.map((c) => `${t}.${c.name}`));
      }
      expect(columns.length).toBeGreaterThan(50);
      expect(columns.filter((c) => /religio|faith|health|medical|illness|disab|biometric|fingerprint|face|iris|home_(lat|lon|location|gps)|address_(lat|lon)/i.test(c))).toEqual([]);
      // The only coordinates kept are a photo's, as evidence metadata for reviewers.
      expect(columns.filter((c) => /(^|_|\.)(lat|lon|gps)/i.test(c))).toEqual(['entry_evidence.gps_lat', 'entry_evidence.gps_lon', 'entry_evidence.gps_accuracy']);
    });

    it('guardrail 7: a photo’s GPS never leaves the server, to reviewers, residents or the notice', async () => {
      const photo = fakeJpeg(10_000);
      await uploadPhoto(fx, 'collector', photo);
      const id = await fx.addEntry({ points: -5 });
      await fx.deps.db.insertInto('entry_evidence').values({
        entry_id: id, sha256: sha256Hex(photo), position: 0, size: photo.length, mime: 'image/jpeg', taken_at: fx.deps.now().toISOString(),
        gps_lat: 36.7853219, gps_lon: 119.9591234, gps_accuracy: 8,
      }).execute();
      const texts = [
        await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).text(),
        await (await fx.request('committee', 'GET', `/api/households/${fx.ids.h1}`)).text(),
        await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}`)).text(),
        await (await fx.request('committee', 'GET', `/api/review/entries/${id}/history`)).text(),
      ];
      expect(texts[0]).toContain(sha256Hex(photo)); // the reviewer sees the photo …
      for (const t of texts) expect(t).not.toMatch(/36\.785|119\.959|gps/i); // … never where it was taken
    });
  });

  describe('guardrail 8: negative moral entries stop counting after a year and are anonymised after three', () => {
    it('guardrail 8: a negative entry stops counting after a year', async () => {
      // Seen on 2025-06-15 a deduction of 2024-06-15 is 12 months old: the 2024 standing no longer carries it.
      const standing2024 = async () => {
        const body = await json(await fx.request('township', 'GET', '/api/township/ranking?year=2024&metric=median'), 200);
        return [...body.rows, ...body.unranked].find((r: Json) => r.villageId === fx.ids.v1)?.medianStanding as number;
      };
      const before = await standing2024();
      await fx.addEntry({ points: -10, state: 'effective', occurredOn: '2024-06-15', indicatorCode: 'B07' });
      await fx.addEntry({ points: -10, state: 'effective', occurredOn: '2024-06-16', indicatorCode: 'B07' });
      expect(await standing2024()).toBe(before - 10);
    });

    it('guardrail 8: after three years the note, earlier notes and photo links are removed, the fact kept, and phones learn of it', async () => {
      const photo = fakeJpeg(12_000);
      const shared = fakeJpeg(12_000);
      for (const p of [photo, shared]) await uploadPhoto(fx, 'collector', p);
      const old = await fx.addEntry({ points: -10, state: 'effective', occurredOn: '2022-06-14', indicatorCode: 'B07', note: '张家院外焚烧秸秆，执法队处罚' });
      const edge = await fx.addEntry({ points: -5, state: 'rejected', occurredOn: '2022-06-15', note: '误记' });
      const young = await fx.addEntry({ points: -5, state: 'effective', occurredOn: '2022-06-16', note: '仍在三年内' });
      const positive = await fx.addEntry({ points: 5, state: 'effective', occurredOn: '2020-01-01', note: '拾金不昧' });
      await linkEvidence(fx, old, sha256Hex(photo), photo.length);
      await linkEvidence(fx, old, sha256Hex(shared), shared.length);
      await linkEvidence(fx, young, sha256Hex(shared), shared.length);
      await fx.deps.db.insertInto('entry_revisions').values({
        id: `${old}-r1`, entry_id: old, revision: 1, person_id: null, catalog_version_id: fx.ids.cv1, indicator_code: 'B07',
        occurred_on: '2022-06-14', points: -10, note: '第一版：张家焚烧秸秆', state_reason: '请补充处罚决定书', replaced_by: fx.ids.users.collector, replaced_at: '2022-06-20T00:00:00.000Z',
      }).execute();
      const seqBefore = (await fx.deps.db.selectFrom('villages').select('change_seq').where('id', '=', fx.ids.v1).executeTakeFirstOrThrow()).change_seq;
      const pageBefore = await household('committee');

      fx.clock.set(new Date('2025-06-15T02:00:00.000Z')); // China date 2025-06-15: cutoff 2022-06-15
      expect(await anonymiseOldDeductions(fx.deps, fx.deps.now(), 1)).toBe(2); // batches of one, until none is due

      const rows = await fx.deps.db.selectFrom('entries').select(['id', 'note', 'points', 'state', 'occurred_on', 'household_id', 'indicator_code', 'anonymised_at'])
        .where('id', 'in', [old, edge, young, positive]).execute();
      const by = Object.fromEntries(rows.map((r) => [r.id, r]));
      expect(by[old]).toMatchObject({ note: '', points: -10, state: 'effective', occurred_on: '2022-06-14', household_id: fx.ids.h1, indicator_code: 'B07' });
      expect(by[old].anonymised_at).not.toBeNull();
      expect(by[edge]).toMatchObject({ note: '', state: 'rejected' });
      expect(by[young]).toMatchObject({ note: '仍在三年内', anonymised_at: null });
      expect(by[positive]).toMatchObject({ note: '拾金不昧', anonymised_at: null });
      expect((await fx.deps.db.selectFrom('entry_revisions').select(['note', 'state_reason']).where('entry_id', '=', old).executeTakeFirstOrThrow()).note).toBe('');
      // Photo links removed; a photo no entry references any more is deleted, a shared one kept.
      expect(await fx.deps.db.selectFrom('entry_evidence').select('sha256').where('entry_id', '=', old).execute()).toEqual([]);
      const blobs = (await fx.deps.db.selectFrom('evidence_blobs').select('sha256').where('sha256', 'in', [sha256Hex(photo), sha256Hex(shared)]).execute()).map((b) => b.sha256);
      expect(blobs).toEqual([sha256Hex(shared)]);
      if (dialect === 'sqlite') {
        expect(fs.existsSync(path.join(dataDir, 'evidence', sha256Hex(photo).slice(0, 2), sha256Hex(photo)))).toBe(false);
        expect(fs.existsSync(path.join(dataDir, 'evidence', sha256Hex(shared).slice(0, 2), sha256Hex(shared)))).toBe(true);
      }
      // The entries are logged as changed, so phones pull the anonymised rows.
      const changed = await fx.deps.db.selectFrom('changes').select(['entity_id', 'seq']).where('entity', '=', 'entry').where('entity_id', 'in', [old, edge]).execute();
      expect(changed.every((c) => c.seq > seqBefore)).toBe(true);
      expect(changed).toHaveLength(2);
      // The household's standing is unchanged by anonymising (it stopped counting long ago anyway).
      expect((await household('committee')).standing).toEqual(pageBefore.standing);
      expect((await household('committee')).entries.find((e: Json) => e.id === old)).toMatchObject({ note: '', points: -10, evidence: [] });
      // A second run finds nothing.
      expect(await anonymiseOldDeductions(fx.deps, fx.deps.now())).toBe(0);
    });

    it.runIf(dialect === 'sqlite')('guardrail 8: the retention job reads due deductions through its partial index', async () => {
      const plan = await sql<{ detail: string }>`explain query plan select id, village_id from entries where points < 0 and anonymised_at is null and occurred_on <= '2022-06-15' order by occurred_on, id limit 200`.execute(fx.deps.db);
      const text = plan.rows.map((r) => r.detail).join(' | ');
      expect(text).toMatch(/entries_deductions_to_anonymise/);
      expect(text).not.toMatch(/TEMP B-TREE/);
    });
  });

  describe('guardrail 10: every star change can be explained entry by entry', () => {
    it('guardrail 10: the explanation sums to the standing and names every entry of the year with why it counts or not', async () => {
      await fx.addEntry({ points: 10, state: 'effective', occurredOn: '2025-03-01', indicatorCode: 'D01' });
      await fx.addEntry({ points: 5, state: 'publicized', occurredOn: '2025-04-01' });
      await fx.addEntry({ points: 5, state: 'rejected', occurredOn: '2025-04-02' });
      const page = await household();
      const { explanation, standing, entries } = page;
      expect(explanation.standing).toBe(standing.standing);
      expect(explanation.stars).toBe(standing.stars);
      const counting = explanation.lines.filter((l: Json) => l.counts);
      expect(explanation.base + counting.reduce((s: number, l: Json) => s + l.points, 0)).toBe(standing.standing);
      const ofYear = entries.filter((e: Json) => e.occurredOn.startsWith('2025-'));
      expect(explanation.lines.map((l: Json) => l.entryId).sort()).toEqual(ofYear.map((e: Json) => e.id).sort());
      for (const l of explanation.lines) expect(l.why).toMatch(/计入|不计入|待公示|计入$/);
      expect(explanation.lines.at(-1).runningStanding).toBe(standing.standing);
    });

    it('guardrail 10: when an entry becomes effective and the stars change, the new line explains the change', async () => {
      const first = await household();
      const need = ({ 1: 100, 2: 120, 3: 140, 4: 160 } as Record<number, number>)[first.standing.stars] ?? null;
      if (need === null) return; // already ★5
      const gap = need - first.standing.standing;
      const id = await fx.addEntry({ points: 50, state: 'approved', occurredOn: '2025-06-10', indicatorCode: 'B03' });
      expect(gap).toBeLessThanOrEqual(50);
      await json(await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 7 }), 201);
      fx.clock.advance(7 * DAY + 1000);
      const after = await household();
      expect(await stateOf(id)).toBe('effective');
      expect(after.standing.stars).toBe(starLevel(after.standing.standing, after.standing.maxDeduction));
      expect(after.standing.stars).toBeGreaterThan(first.standing.stars);
      const line = after.explanation.lines.find((l: Json) => l.entryId === id);
      expect(line).toMatchObject({ counts: true, points: 50, why: '已生效，计入' });
      expect(after.standing.standing - first.standing.standing).toBe(50);
    });
  });
});
