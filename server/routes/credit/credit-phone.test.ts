// The credit ledger on the phones (issue 7 / issue 13), on SQLite and PostgreSQL: the township's own
// credit kinds reach the village's phones by the pull (entity creditKind, township scope) and are
// accepted in credit.create; a negative record carries its document number AND issuer; a record's
// photos go through the entries' content-addressed upload and are shown to the office reviewers
// (never to another village); the review reason reaches the phones (stateReason); a person-subject
// record shows the person with the ID number masked, never in clear; the grade explanation comes
// as codes and parameters, rendered in Chinese (default) or English. And migration 0020's backfill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, TEST_ID_NUMBER, type Fixture, type FixtureUser } from '../../test/fixtures';
import { fakeJpeg, linkEvidence, sha256Hex, uploadPhoto } from '../../test/evidence';
import { PROTOCOL_VERSION, SCHEMA_VERSION, scopeOfTownship, scopeOfVillage, type SyncResponse } from '../../../shared/protocol/sync';
import { decodeRows } from '../../../shared/protocol/tables';
import { renderBecause, renderExplain, renderNext } from '../../../shared/domain/credit-grade';
import { maskIdNumber } from '../../../shared/validation/id-number';
import { villagesOfEvidence } from '../../repositories/evidence';
import * as m0020 from '../../../migrations/0020_credit_evidence';
import * as m0026 from '../../../migrations/0026_credit_photos_pulled';

const DEVICE = '0190a000-0000-7000-8000-00000000c8c8';

describe.each(await testDialects())('credit ledger on the phones on %s', (dialect) => {
  let fx: Fixture;
  let seq = 0;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const json = async (res: Response, status = 200) => {
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body;
  };
  const sync = async (user: FixtureUser, mutations: unknown[], cursors: Record<string, number> = {}): Promise<SyncResponse> =>
    json(await fx.request(user, 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations, cursors }));
  const create = (payload: Record<string, unknown>) => ({
    id: uuidv7(), kind: 'credit.create', deviceSeq: ++seq, at: fx.deps.now().toISOString(),
    payload: { recordId: uuidv7(), householdId: fx.ids.h1, personId: null, kind: 'loan_repaid', source: 'bank', occurredOn: '2025-06-01', documentNo: '', note: '', ...payload },
  });
  const kindBody = (over: Record<string, unknown> = {}) => ({
    code: 'elder_care_star', nameZh: '孝老爱亲之星', nameEn: 'Elder care star', negative: false, documentRequired: false, sources: ['village'], active: true, sort: 15, ...over,
  });

  it('a kind the township adds reaches its phones in the pull (creditKind, township scope) and is accepted from the phone', async () => {
    // Before the township changed anything: no creditKind rows (the phone uses the defaults).
    const before = await sync('collector', []);
    const cursors = Object.fromEntries(before.changes.map((c) => [c.scope, c.cursor]));
    expect(before.changes.find((c) => c.scope === scopeOfTownship(fx.ids.t1))?.tables.creditKind).toBeUndefined();
    // A township kind is refused while the township has not added it.
    const early = await sync('collector', [create({ kind: 'elder_care_star', source: 'village' })]);
    expect(early.results[0]).toMatchObject({ status: 'rejected', code: 'credit_kind' });

    await json(await fx.request('township', 'POST', '/api/credit/township/kinds', kindBody()));
    // An incremental pull from the phone's cursor brings the whole list (the defaults it starts from and the new kind).
    const after = await sync('collector', [], cursors);
    const page = after.changes.find((c) => c.scope === scopeOfTownship(fx.ids.t1))!;
    const kinds = decodeRows('creditKind', page.tables.creditKind!);
    expect(kinds.find((k) => k.code === 'elder_care_star')).toMatchObject({
      townshipId: fx.ids.t1, nameZh: '孝老爱亲之星', nameEn: 'Elder care star', negative: false, documentRequired: false, sources: ['village'], active: true, sort: 15,
    });
    expect(kinds.map((k) => k.code)).toEqual(expect.arrayContaining(['loan_repaid', 'admin_penalty', 'court_enforcement']));
    // Only the township's scope carries it (another township's phones follow another scope).
    for (const c of after.changes.filter((x) => x.scope !== scopeOfTownship(fx.ids.t1))) expect(c.tables.creditKind).toBeUndefined();

    const m = create({ kind: 'elder_care_star', source: 'village', note: '照顾卧床老人十年' });
    expect((await sync('collector', [m])).results[0]).toMatchObject({ status: 'applied' });
    // A bootstrap (no cursors) brings the list too.
    const boot = await sync('collector2', []);
    expect(decodeRows('creditKind', boot.changes.find((c) => c.scope === scopeOfTownship(fx.ids.t1))!.tables.creditKind!).some((k) => k.code === 'elder_care_star')).toBe(true);

    // Deactivated: the phone learns it (active false) and a new record of it is refused.
    await json(await fx.request('township', 'POST', '/api/credit/township/kinds', kindBody({ active: false })));
    const later = await sync('collector2', [], Object.fromEntries(boot.changes.map((c) => [c.scope, c.cursor])));
    expect(decodeRows('creditKind', later.changes.find((c) => c.scope === scopeOfTownship(fx.ids.t1))!.tables.creditKind!).find((k) => k.code === 'elder_care_star')?.active).toBe(false);
    expect((await sync('collector', [create({ kind: 'elder_care_star', source: 'village' })])).results[0]).toMatchObject({ status: 'rejected', code: 'credit_kind' });
    await json(await fx.request('township', 'POST', '/api/credit/township/kinds', kindBody({ active: true })));
  });

  it('a negative record from the phone needs its document number and issuer; both reach the office and the phones', async () => {
    const noIssuer = create({ kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2025〕12号' });
    const noDoc = create({ kind: 'admin_penalty', source: 'township', issuer: '平度市综合行政执法局' });
    const ok = create({ kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2025〕12号', issuer: '平度市综合行政执法局' });
    const res = await sync('collector', [noIssuer, noDoc, ok]);
    expect(res.results.map((r) => [r.status, r.code])).toEqual([['rejected', 'issuer_required'], ['rejected', 'document_required'], ['applied', undefined]]);
    expect(res.results[0].message).toContain('机关');
    const recordId = ok.payload.recordId;
    const queue = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/records?state=submitted`));
    expect(queue.records.find((r: { id: string }) => r.id === recordId)).toMatchObject({ issuer: '平度市综合行政执法局', documentNo: '平综执罚决字〔2025〕12号', negative: true });
    const pulled = await sync('collector2', []);
    const rows = decodeRows('creditRecord', pulled.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!.tables.creditRecord!);
    expect(rows.find((r) => r.id === recordId)).toMatchObject({ issuer: '平度市综合行政执法局', stateReason: '' });
  });

  it('a record\'s photo is uploaded content-addressed, shown to the office reviewers of its village only', async () => {
    const bytes = fakeJpeg(150_000);
    const hash = sha256Hex(bytes);
    const m = create({
      kind: 'honour', source: 'township', documentNo: '平政字〔2025〕9号', note: '文明家庭证书',
      evidence: [{ hash, size: bytes.length, type: 'image/jpeg', takenAt: fx.deps.now().toISOString(), gps: { lat: 36.78, lon: 119.96, accuracy: 12 } }],
    });
    // The record may arrive before its photo.
    expect((await sync('collector', [m])).results[0]).toMatchObject({ status: 'applied' });
    const rows = await fx.deps.db.selectFrom('credit_record_evidence').selectAll().where('record_id', '=', m.payload.recordId).execute();
    expect(rows).toEqual([expect.objectContaining({ sha256: hash, size: bytes.length, mime: 'image/jpeg', position: 0 })]);
    const pending = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/records?state=submitted`));
    expect(pending.records.find((r: { id: string }) => r.id === m.payload.recordId).evidence).toEqual([{ hash, url: `/api/evidence/${hash}`, takenAt: expect.any(String), received: false }]);

    expect([200, 201]).toContain((await uploadPhoto(fx, 'collector', bytes)).status);
    // The same photo a second time is stored once.
    expect((await uploadPhoto(fx, 'collector', bytes)).status).toBe(200);
    const detail = await json(await fx.request('committee', 'GET', `/api/credit/records/${m.payload.recordId}`));
    expect(detail.record.evidence).toEqual([expect.objectContaining({ hash, received: true })]);
    // A place sent with it is never kept (guardrail 7: a document's photo needs none).
    expect(JSON.stringify(detail)).not.toContain('36.78');
    expect(Object.keys(rows[0]).filter((c) => /gps|lat|lon/.test(c))).toEqual([]);
    const photo = await fx.request('committee', 'GET', `/api/evidence/${hash}`);
    expect(photo.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await photo.arrayBuffer()))).toBe(hash);
    // Who may see it follows from the village of the record that carries it (GET /api/evidence guard).
    expect(await villagesOfEvidence(fx.deps.db, hash)).toEqual([fx.ids.v1]);
    expect((await fx.request('committee', 'GET', `/api/evidence/${sha256Hex(fakeJpeg(99))}`)).status).toBe(404);
    // A sixth photo is refused like an entry's.
    const many = Array.from({ length: 6 }, (_, i) => ({ hash: sha256Hex(fakeJpeg(10 + i)), size: 100, type: 'image/jpeg', takenAt: fx.deps.now().toISOString() }));
    expect((await sync('collector', [create({ evidence: many })])).results[0]).toMatchObject({ status: 'rejected', code: 'evidence_too_many' });
  });

  it('the office attaches photos to a record it enters: stored and linked, pulled by the village\'s other phones with the record, served to its staff only', async () => {
    const bytes = fakeJpeg(120_000);
    const hash = sha256Hex(bytes);
    const takenAt = fx.deps.now().toISOString();
    const body = (evidence: unknown[], over: Record<string, unknown> = {}) => ({
      householdId: fx.ids.h1, personId: null, kind: 'honour', source: 'township', occurredOn: '2025-05-04', documentNo: '平政字〔2025〕21号', issuer: '', note: '五好家庭证书', evidence, ...over,
    });
    const ref = { hash, size: bytes.length, type: 'image/jpeg', takenAt };
    // Not uploaded yet: refused, nothing written (the office form uploads before it saves).
    const missing = await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/records`, body([ref]));
    expect(missing.status).toBe(422);
    expect((await missing.json()).error).toMatchObject({ code: 'evidence_missing', message: expect.stringMatching(/照片/) });
    // The photo rules of a phone's record, with Chinese messages.
    const six = Array.from({ length: 6 }, (_, i) => ({ ...ref, hash: sha256Hex(fakeJpeg(20 + i)) }));
    for (const [evidence, code] of [[six, 'evidence_too_many'], [[ref, ref], 'evidence_duplicate'], [[{ ...ref, type: 'image/gif' }], 'evidence_type'], [[{ ...ref, size: 3 * 1024 * 1024 }], 'evidence_too_large']] as const) {
      const res = await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/records`, body([...evidence]));
      expect(res.status, code).toBe(400);
      const err = (await res.json()).error;
      expect(err.code).toBe(code);
      expect(err.message).toMatch(/[\u4e00-\u9fff]/);
    }

    expect((await uploadPhoto(fx, 'committee', bytes)).status).toBe(201);
    const entered = (await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/records`, body([{ ...ref, size: 1, type: 'image/png' }])), 201)).record;
    expect(entered.evidence).toEqual([{ hash, url: `/api/evidence/${hash}`, takenAt, received: true }]);
    expect(entered.contentHash).toBeUndefined();
    // Linked with the server's own size and type of the verified upload, not what the form said.
    expect(await fx.deps.db.selectFrom('credit_record_evidence').select(['sha256', 'position', 'size', 'mime']).where('record_id', '=', entered.id).execute())
      .toEqual([{ sha256: hash, position: 0, size: bytes.length, mime: 'image/jpeg' }]);
    const queue = await json(await fx.request('committee2', 'GET', `/api/credit/villages/${fx.ids.v1}/records?state=submitted`));
    expect(queue.records.find((r: { id: string }) => r.id === entered.id).evidence).toEqual([expect.objectContaining({ hash, received: true })]);

    // Another collector of the village pulls the record with its photo (bootstrap and incrementally) and may fetch it.
    const boot = await sync('collector2', []);
    const rows = decodeRows('creditRecord', boot.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!.tables.creditRecord!);
    expect(rows.find((r) => r.id === entered.id)?.evidence).toEqual([{ hash, takenAt }]);
    // Records without photos carry none; a place is never pulled (guardrail 7).
    expect(rows.filter((r) => r.id !== entered.id).every((r) => Array.isArray(r.evidence))).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/gps|36\.78/);
    const photo = await fx.request('collector2', 'GET', `/api/evidence/${hash}`);
    expect(photo.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await photo.arrayBuffer()))).toBe(hash);

    // A record of another village (entered by the township's admin) with its own photo: not for this village's staff.
    const other = fakeJpeg(40_000);
    expect((await uploadPhoto(fx, 'admin', other)).status).toBe(201);
    const v2 = (await json(await fx.request('admin', 'POST', `/api/credit/villages/${fx.ids.v2}/records`, body([{ ...ref, hash: sha256Hex(other), size: other.length }], { householdId: fx.ids.h2 })), 201)).record;
    expect((await fx.request('admin', 'GET', `/api/evidence/${sha256Hex(other)}`)).status).toBe(200);
    for (const who of ['collector', 'collector2', 'committee'] as const) expect((await fx.request(who, 'GET', `/api/evidence/${sha256Hex(other)}`)).status, who).toBe(404);
    const later = await sync('collector2', [], Object.fromEntries(boot.changes.map((c) => [c.scope, c.cursor])));
    expect(later.changes.flatMap((c) => (c.tables.creditRecord ? decodeRows('creditRecord', c.tables.creditRecord) : [])).some((r) => r.id === v2.id)).toBe(false);

    // Residents see no photos, like their entries' (evidence is for staff): not on 我的信用, not by address.
    const mine = await json(await fx.request('resident', 'GET', `/api/credit/households/${fx.ids.h1}`));
    expect(mine.records.some((r: { id: string }) => r.id === entered.id)).toBe(true);
    expect(JSON.stringify(mine)).not.toContain(hash);
    expect((await fx.request('resident', 'GET', `/api/evidence/${hash}`)).status).toBe(403);
  });

  it('the review reason reaches the phones (stateReason); a person-subject record shows the person with the ID number masked', async () => {
    const m = create({ personId: fx.ids.p1, note: '个人贷款' });
    await sync('collector', [m]);
    await json(await fx.request('committee', 'POST', `/api/credit/records/${m.payload.recordId}/decisions`, { decision: 'return', reason: '请补充贷款合同号' }));
    const pulled = await sync('collector', []);
    const rows = decodeRows('creditRecord', pulled.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!.tables.creditRecord!);
    expect(rows.find((r) => r.id === m.payload.recordId)).toMatchObject({ state: 'returned', stateReason: '请补充贷款合同号', personId: fx.ids.p1 });

    const masked = maskIdNumber(TEST_ID_NUMBER);
    expect(masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const office = await json(await fx.request('committee', 'GET', `/api/credit/villages/${fx.ids.v1}/records`));
    expect(office.records.find((r: { id: string }) => r.id === m.payload.recordId).person).toEqual({ personId: fx.ids.p1, name: '张三', idMasked: masked });
    const mine = await json(await fx.request('resident', 'GET', `/api/credit/households/${fx.ids.h1}`));
    expect(mine.records.find((r: { id: string }) => r.id === m.payload.recordId).person).toEqual({ personId: fx.ids.p1, name: '张三', idMasked: masked });
    for (const body of [office, mine]) expect(JSON.stringify(body)).not.toContain(TEST_ID_NUMBER);
  });

  it('back to back for the village admin too: no one else\'s ratings before their own sheet is in', async () => {
    const round = (await json(await fx.request('committee', 'POST', `/api/credit/villages/${fx.ids.v1}/rounds`, { periodLabel: '2025年度' }), 201)).round;
    const sheet = await json(await fx.request('committee', 'GET', `/api/credit/rounds/${round.id}`));
    await json(await fx.request('committee', 'POST', `/api/credit/rounds/${round.id}/ratings`, {
      ratings: sheet.households.map((h: { id: string }) => ({ householdId: h.id, grade: 'AA', unknownReason: null })),
    }));
    const before = await json(await fx.request('admin', 'GET', `/api/credit/rounds/${round.id}`));
    expect(before.submitted).toBe(false);
    expect(before.households.every((h: { tally: unknown }) => h.tally === null || h.tally === undefined)).toBe(true);
    const township = await json(await fx.request('township', 'GET', `/api/credit/rounds/${round.id}`));
    expect(township.households.some((h: { tally: unknown }) => !!h.tally)).toBe(true);
    await json(await fx.request('admin', 'POST', `/api/credit/rounds/${round.id}/ratings`, {
      ratings: sheet.households.map((h: { id: string }) => ({ householdId: h.id, grade: 'A', unknownReason: null })),
    }));
    expect((await json(await fx.request('admin', 'GET', `/api/credit/rounds/${round.id}`))).households.some((h: { tally: unknown }) => !!h.tally)).toBe(true);
  });

  it('the grade explanation is codes and parameters: Chinese by default, English on request', async () => {
    const mine = await json(await fx.request('resident', 'GET', `/api/credit/households/${fx.ids.h1}`));
    const g = mine.grade;
    expect(g.because).toBe(renderBecause(g, 'zh'));
    expect(renderBecause(g, 'zh')).toMatch(/^(AAA|AA|A|未评级)，因为：正面记录得分 \d+ 分；/);
    expect(renderBecause(g, 'en')).toMatch(/^(AAA|AA|A|Not rated) because: positive records score \d+ points; /);
    expect(renderBecause(g, 'en')).not.toMatch(/[\u4e00-\u9fff]/);
    for (const l of g.lines) expect(l.text).toBe(renderExplain(l.msg, 'zh'));
    if (g.next) expect(renderNext(g.next, 'en')).toMatch(/^To reach AA?A?: /);
    expect(mine.repairGuideMsgs.map((m: Parameters<typeof renderExplain>[0]) => renderExplain(m, 'en')).join(' ')).toContain('five years');
    expect(mine.repairGuide.join('')).toContain('五年');
  });
});

describe.each(await testDialects())('migration 0020 on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('logs the kinds of townships that changed their list, and records with a reason or issuer, with new change numbers of their scopes', async () => {
    const db = fx.deps.db;
    const now = fx.deps.now().toISOString();
    // As before 0020: a township's own kinds and a returned record, none of them in the pull log as such.
    await m0020.down(db);
    const kindId = uuidv7();
    await db.insertInto('credit_kinds').values({ id: kindId, township_id: fx.ids.t1, code: 'old_own', name_zh: '旧类别', name_en: 'Old kind', negative: 0, document_required: 0, sources: 'village', active: 1, sort: 5, created_at: now }).execute();
    const recordId = uuidv7();
    await db.insertInto('credit_records').values({
      id: recordId, village_id: fx.ids.v1, household_id: fx.ids.h1, person_id: null, kind: 'loan_repaid', source: 'bank', occurred_on: '2025-01-02', document_no: '', note: '',
      state: 'returned', state_reason: '请补充合同号', issuer: '', reverses: null, repaired_on: null, recorder_id: fx.ids.users.collector, device_id: 'x', content_hash: 'h', client_created_at: now, created_at: now, updated_at: now,
    }).execute();
    const seqOf = async (table: 'townships' | 'villages', id: string) => (await db.selectFrom(table).select('change_seq').where('id', '=', id).executeTakeFirstOrThrow()).change_seq;
    const [t0, v0] = [await seqOf('townships', fx.ids.t1), await seqOf('villages', fx.ids.v1)];

    await m0020.up(db);
    expect(await db.selectFrom('changes').select(['scope', 'seq', 'op']).where('entity', '=', 'creditKind').where('entity_id', '=', kindId).execute())
      .toEqual([{ scope: scopeOfTownship(fx.ids.t1), seq: t0 + 1, op: 'upsert' }]);
    expect(await db.selectFrom('changes').select(['scope', 'seq']).where('entity', '=', 'creditRecord').where('entity_id', '=', recordId).execute())
      .toEqual([{ scope: scopeOfVillage(fx.ids.v1), seq: expect.any(Number) }]);
    expect(await seqOf('villages', fx.ids.v1)).toBeGreaterThan(v0);
    // A phone holding the township's cursor from before gets the kind in its next pull.
    const res = await json(await fx.request('collector', 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations: [], cursors: { [scopeOfTownship(fx.ids.t1)]: t0, [scopeOfVillage(fx.ids.v1)]: v0 } }));
    const page = (res as SyncResponse).changes.find((c) => c.scope === scopeOfTownship(fx.ids.t1))!;
    expect(decodeRows('creditKind', page.tables.creditKind!).map((k) => k.code)).toEqual(['old_own']);
    const village = (res as SyncResponse).changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!;
    expect(decodeRows('creditRecord', village.tables.creditRecord!).find((r) => r.id === recordId)?.stateReason).toBe('请补充合同号');
  });

  async function json(res: Response) {
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body;
  }
});

describe.each(await testDialects())('migration 0026 on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('logs again the records that carry photos, so a phone with a cursor pulls their photos', async () => {
    const db = fx.deps.db;
    const now = fx.deps.now().toISOString();
    const withPhoto = uuidv7();
    const without = uuidv7();
    for (const id of [withPhoto, without]) {
      await db.insertInto('credit_records').values({
        id, village_id: fx.ids.v1, household_id: fx.ids.h1, person_id: null, kind: 'honour', source: 'township', occurred_on: '2025-01-02', document_no: '', note: '',
        state: 'approved', state_reason: '', issuer: '', reverses: null, repaired_on: null, recorder_id: fx.ids.users.collector, device_id: 'x', content_hash: id, client_created_at: now, created_at: now, updated_at: now,
      }).execute();
    }
    const hash = sha256Hex(fakeJpeg(500));
    await linkEvidence(fx, withPhoto, hash, 500, 'creditRecord');
    const v0 = (await db.selectFrom('villages').select('change_seq').where('id', '=', fx.ids.v1).executeTakeFirstOrThrow()).change_seq;

    await m0026.up(db);
    expect(await db.selectFrom('changes').select(['scope', 'seq', 'op']).where('entity', '=', 'creditRecord').where('entity_id', '=', withPhoto).execute())
      .toEqual([{ scope: scopeOfVillage(fx.ids.v1), seq: Number(v0) + 1, op: 'upsert' }]);
    expect(await db.selectFrom('changes').select('seq').where('entity', '=', 'creditRecord').where('entity_id', '=', without).execute()).toEqual([]);
    const res = await fx.request('collector', 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, mutations: [], cursors: { [scopeOfVillage(fx.ids.v1)]: Number(v0) } });
    expect(res.status).toBe(200);
    const page = ((await res.json()) as SyncResponse).changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!;
    expect(decodeRows('creditRecord', page.tables.creditRecord!)).toEqual([expect.objectContaining({ id: withPhoto, evidence: [{ hash, takenAt: now }] })]);
  });
});
