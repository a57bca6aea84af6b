// Roster edits in the field (apply-roster.ts): household.create, person.create (with a sealed ID
// number), person.remove, person.move, and person.update's ID number — applied, replayed
// (duplicate), in conflict, and refused outside the collector's villages — on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import { scopeOfVillage, type Mutation } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { sealIdNumber } from '../../client/src/platform/id-seal';
import { decryptIdNumber, hashIdNumber, piiKeysFrom } from '../security/pii';
import { nextFreeHouseholdNo } from './apply-roster';
import { count, entryCreate, postSync, request, openSyncWorld, T0, testPii, type TestApp, type World } from '../test/sync-fixture';

let seq = 10_000;
const m = <K extends Mutation['kind']>(kind: K, payload: Extract<Mutation, { kind: K }>['payload']): Mutation =>
  ({ id: uuidv7(), kind, deviceSeq: ++seq, at: T0.toISOString(), payload }) as Mutation;
const seal = (id: string) => sealIdNumber(testPii.transport, id);

describe('nextFreeHouseholdNo', () => {
  it.each([
    [['0001', '0002', '0124'], '0124', '0125'],
    [['001', '002'], '002', '003'],
    [['0001', 'A-1'], 'A-1', '0002'],
    [[], '7', '1'],
  ])('%j taken, %s proposed → %s', (taken, proposed, expected) => {
    expect(nextFreeHouseholdNo(taken, proposed)).toBe(expected);
  });
});

describe.each(await testDialects())('roster edits on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  const householdCreate = (over: Partial<Extract<Mutation, { kind: 'household.create' }>['payload']> = {}) => m('household.create', {
    householdId: uuidv7(), villageId: w.v1, householdNo: '010', groupNo: 3, headName: '单雄信', phone: '138 0000 0009', ...over,
  });
  const personCreate = (householdId: string, over: Partial<Extract<Mutation, { kind: 'person.create' }>['payload']> = {}) => m('person.create', {
    personId: uuidv7(), householdId, name: '曾小花', relation: '配偶', birthYear: 1980, phone: null, idSealed: null, ...over,
  });
  const personRow = (id: string) => t.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();

  it("a new household joins its village's kept ranking figures at the base standing, in the same push", async () => {
    const { json } = await postSync(app, 'collector', request([entryCreate(w), householdCreate()]));
    expect(json.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const live = await t.db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).where('village_id', '=', w.v1).where('deleted', '=', 0).executeTakeFirstOrThrow();
    const kept = await t.db.selectFrom('tally_villages').selectAll().where('village_id', '=', w.v1).where('year', '=', 2025).executeTakeFirstOrThrow();
    expect(Number(kept.households)).toBe(Number(live.n));
    expect(Number(kept.figures_base)).toBe(100);
  });

  it('creates a household with its head, the pull carries both, and the ID number is stored only protected', async () => {
    const idNumber = makeSyntheticIdNumber('370283', '19800101', 123);
    const h = householdCreate();
    const hp = h.payload as { householdId: string };
    const p = personCreate(hp.householdId, { name: '单雄信', relation: '户主', birthYear: null, idSealed: await seal(idNumber) });
    const { json } = await postSync(app, 'collector', request([h, p]));
    expect(json.results).toEqual([{ id: h.id, status: 'applied' }, { id: p.id, status: 'applied' }]);

    const row = await t.db.selectFrom('households').selectAll().where('id', '=', hp.householdId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ village_id: w.v1, household_no: '010', group_no: 3, head_name: '单雄信', phone: '13800000009', status: 'active', version: 1 });
    const person = (await personRow((p.payload as { personId: string }).personId))!;
    expect(person).toMatchObject({ household_id: hp.householdId, village_id: w.v1, birth_year: 1980, id_last4: idNumber.slice(-4), is_minor: 0 });
    expect(person.id_hash).toBe(hashIdNumber(testPii, idNumber));
    expect(decryptIdNumber(testPii, person.id_cipher!)).toBe(idNumber);
    expect(JSON.stringify(await t.db.selectFrom('sync_mutations').selectAll().execute())).not.toContain(idNumber.slice(6, 14));

    const page = json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!;
    expect(decodeRows('household', page.tables.household!).map((x) => x.id)).toContain(hp.householdId);
    const pulled = decodeRows('person', page.tables.person!).find((x) => x.householdId === hp.householdId)!;
    expect(pulled).toMatchObject({ name: '单雄信', idLast4: idNumber.slice(-4) });
    expect(JSON.stringify(page)).not.toContain(idNumber);

    // Another phone of the village sees them too.
    const other = await postSync(app, 'collector2', request([]));
    const otherPage = other.json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!;
    expect(decodeRows('household', otherPage.tables.household!).map((x) => x.id)).toContain(hp.householdId);
  });

  it('answers a replay as duplicate, and the same household under another mutation id as duplicate', async () => {
    const h = householdCreate();
    const first = await postSync(app, 'collector', request([h]));
    expect(first.json.results[0].status).toBe('applied');
    expect((await postSync(app, 'collector', request([h]))).json.results[0].status).toBe('duplicate');
    const again = { ...h, id: uuidv7(), deviceSeq: ++seq };
    expect((await postSync(app, 'collector', request([again]))).json.results[0]).toMatchObject({ status: 'duplicate' });
    expect((await t.db.selectFrom('households').select('id').where('village_id', '=', w.v1).execute())).toHaveLength(3);
  });

  it('gives a household created offline with a taken number the next free one, and says so', async () => {
    const a = householdCreate({ householdNo: '002' }); // 李四 has 002
    const { json } = await postSync(app, 'collector', request([a]));
    expect(json.results[0]).toMatchObject({ status: 'applied', code: 'household_no_reassigned', message: expect.stringContaining('003') });
    const row = await t.db.selectFrom('households').select('household_no').where('id', '=', (a.payload as { householdId: string }).householdId).executeTakeFirstOrThrow();
    expect(row.household_no).toBe('003');
  });

  it('lets an entry for a household created earlier in the same batch through', async () => {
    const h = householdCreate();
    const hid = (h.payload as { householdId: string }).householdId;
    const e = entryCreate(w, { householdId: hid });
    e.deviceSeq = ++seq;
    const { json } = await postSync(app, 'collector', request([h, e]));
    expect(json.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await count(t, 'entries')).toBe(1);
  });

  it('refuses other villages (forbidden), bad names, phones, ID numbers and seals, item by item', async () => {
    const good = makeSyntheticIdNumber('370283', '19800101', 123);
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const results = (await postSync(app, 'collector', request([
      householdCreate({ villageId: w.v2 }),
      personCreate(w.h2),
      householdCreate({ headName: '\u202Eevil' }),
      householdCreate({ phone: '12345' }),
      householdCreate({ householdNo: '0 1;drop' }),
      personCreate(w.h1, { idSealed: await seal(bad) }),
      personCreate(w.h1, { idSealed: await sealIdNumber(piiKeysFrom('9'.repeat(64)).transport, bad) }),
      personCreate(w.h1, { birthYear: 2030 }),
      m('person.remove', { personId: w.p2, reason: '' }),
      m('person.move', { personId: w.p2, baseVersion: 1, toHouseholdId: w.h1 }),
      m('person.move', { personId: w.p1, baseVersion: 1, toHouseholdId: w.h2 }),
    ]))).json.results;
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope'], ['rejected', 'invalid_field'], ['rejected', 'invalid_field'],
      ['rejected', 'invalid_field'], ['rejected', 'invalid_id_number'], ['rejected', 'id_key_changed'], ['rejected', 'invalid_field'],
      ['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope'],
    ]);
    expect(results[5].message).toContain('校验位');
    expect((await t.db.selectFrom('persons').select('id').execute())).toHaveLength(2);
  });

  it('converts a legacy 15-digit ID number on the server too', async () => {
    const p = personCreate(w.h1, { idSealed: await seal('110105491231002') });
    expect((await postSync(app, 'collector', request([p]))).json.results[0].status).toBe('applied');
    const row = (await personRow((p.payload as { personId: string }).personId))!;
    expect(decryptIdNumber(testPii, row.id_cipher!)).toBe('11010519491231002X');
  });

  it('removes a person: a tombstone for the other phones, and removing again is a duplicate', async () => {
    const before = await postSync(app, 'collector2', request([]));
    const cursors = Object.fromEntries(before.json.changes.map((c) => [c.scope, c.cursor]));
    const r = m('person.remove', { personId: w.p1, reason: '已故' });
    expect((await postSync(app, 'collector', request([r]))).json.results[0].status).toBe('applied');
    expect(await personRow(w.p1)).toMatchObject({ deleted: 1, version: 2 });
    const after = await postSync(app, 'collector2', request([], { cursors }));
    expect(after.json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!.deleted).toEqual([{ entity: 'person', id: w.p1 }]);
    const again = m('person.remove', { personId: w.p1, reason: '已故' });
    expect((await postSync(app, 'collector', request([again]))).json.results[0].status).toBe('duplicate');
  });

  it('moves a person within the village; two phones moving them to different households conflict', async () => {
    const third = householdCreate();
    const thirdId = (third.payload as { householdId: string }).householdId;
    await postSync(app, 'collector', request([third]));
    const move = m('person.move', { personId: w.p1, baseVersion: 1, toHouseholdId: w.h1b });
    expect((await postSync(app, 'collector', request([move]))).json.results[0].status).toBe('applied');
    expect(await personRow(w.p1)).toMatchObject({ household_id: w.h1b, version: 2 });
    // collector2 still had version 1 and moved them elsewhere.
    const other = m('person.move', { personId: w.p1, baseVersion: 1, toHouseholdId: thirdId });
    const { json } = await postSync(app, 'collector2', request([other]));
    expect(json.results[0]).toMatchObject({ status: 'conflict', code: 'field_conflict', fields: ['householdId'] });
    expect(json.results[0].message).toContain('所属户');
    expect(await personRow(w.p1)).toMatchObject({ household_id: w.h1b });
    expect(await count(t, 'sync_conflicts')).toBe(1);
    // Into a household that moved out: refused.
    await t.db.updateTable('households').set({ status: 'moved-out' }).where('id', '=', thirdId).execute();
    const late = m('person.move', { personId: w.p1, baseVersion: 2, toHouseholdId: thirdId });
    expect((await postSync(app, 'collector', request([late]))).json.results[0]).toMatchObject({ status: 'rejected', code: 'household_inactive' });
  });

  it('sets, keeps and clears an ID number through person.update', async () => {
    const idNumber = makeSyntheticIdNumber('370283', '19490101', 7);
    const upd = (fields: object, base: number) => m('person.update', { personId: w.p1, baseVersion: base, fields });
    expect((await postSync(app, 'collector', request([upd({ idSealed: await seal(idNumber), relation: '户主' }, 1)]))).json.results[0].status).toBe('applied');
    let row = (await personRow(w.p1))!;
    expect(decryptIdNumber(testPii, row.id_cipher!)).toBe(idNumber);
    expect(row).toMatchObject({ id_last4: idNumber.slice(-4), version: 2 });
    // The same number again changes nothing.
    await postSync(app, 'collector', request([upd({ idSealed: await seal(idNumber) }, 2)]));
    expect((await personRow(w.p1))!.version).toBe(2);
    await postSync(app, 'collector', request([upd({ idSealed: null }, 2)]));
    row = (await personRow(w.p1))!;
    expect(row).toMatchObject({ id_hash: null, id_last4: null, id_cipher: null, version: 3 });
  });

  it('publishes the transport public key to staff who write, never to residents or strangers', async () => {
    const get = (user: string | null) => app.request('/api/sync/id-key', { headers: user ? { 'x-test-user': user } : {} });
    const ok = await get('collector');
    expect(ok.status).toBe(200);
    const body = await ok.json() as Record<string, string>;
    expect(body).toEqual({ scheme: 'e1', keyId: testPii.transport.keyId, publicKey: testPii.transport.publicKey, curve: 'P-256' });
    expect((await get('resident')).status).toBe(403);
    expect((await get(null)).status).toBe(401);
  });
});
