// credit.create / credit.withdraw through POST /api/sync (field-entry), on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import type { Mutation } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { count, postSync, request, openSyncWorld, T0, type TestApp, type World } from '../test/sync-fixture';

let seq = 10_000;
function creditCreate(w: World, over: Partial<Extract<Mutation, { kind: 'credit.create' }>['payload']> = {}): Mutation {
  return {
    id: uuidv7(), kind: 'credit.create', deviceSeq: ++seq, at: T0.toISOString(),
    payload: {
      recordId: uuidv7(), householdId: w.h1, personId: null, kind: 'loan_repaid', source: 'bank', occurredOn: '2025-06-10',
      documentNo: '', note: '农商行小额贷款按期还清', ...over,
    },
  };
}
const creditWithdraw = (recordId: string): Mutation => ({
  id: uuidv7(), kind: 'credit.withdraw', deviceSeq: ++seq, at: T0.toISOString(), payload: { recordId, reason: '录错了户' },
});

describe.each(await testDialects())('credit records through the sync on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  const credits = () => t.db.selectFrom('credit_records').selectAll().execute();

  it('stores a credit record in its own ledger (guardrail 1: no moral-points entry), with its event, and replays as a duplicate', async () => {
    const m = creditCreate(w, { personId: w.p1 });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results).toEqual([{ id: m.id, status: 'applied' }]);
    const rows = await credits();
    expect(rows).toEqual([expect.objectContaining({
      id: (m.payload as { recordId: string }).recordId, village_id: w.v1, household_id: w.h1, person_id: w.p1,
      kind: 'loan_repaid', source: 'bank', state: 'submitted', recorder_id: w.users.collector.id,
    })]);
    expect(await count(t, 'entries')).toBe(0);
    const events = await t.db.selectFrom('credit_record_events').selectAll().execute();
    expect(events).toEqual([expect.objectContaining({ record_id: rows[0].id, from_state: null, to_state: 'submitted' })]);
    const again = await postSync(app, 'collector', request([m]));
    expect(again.json.results).toEqual([{ id: m.id, status: 'duplicate' }]);
    expect(await credits()).toHaveLength(1);
  });

  it('refuses a negative record without a legally effective document number, and a source that cannot issue the kind', async () => {
    const noDoc = creditCreate(w, { kind: 'admin_penalty', source: 'township', documentNo: '  ' });
    const badSource = creditCreate(w, { kind: 'loan_repaid', source: 'court' });
    const unknownKind = creditCreate(w, { kind: 'bad_person' });
    const withDoc = creditCreate(w, { kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2025〕12号', issuer: '平度市综合行政执法局' });
    const { json } = await postSync(app, 'collector', request([noDoc, badSource, unknownKind, withDoc]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'document_required'], ['rejected', 'credit_source'], ['rejected', 'credit_kind'], ['applied', undefined],
    ]);
    expect(json.results[0].message).toContain('文号');
    expect((await credits()).map((r) => r.document_no)).toEqual(['平综执罚决字〔2025〕12号']);
  });

  it('guardrail 6: a credit record whose note holds an ID number is refused with the reason', async () => {
    const id = makeSyntheticIdNumber('370283', '19681109', 17);
    const m = creditCreate(w, { note: `借款人身份证${id}` });
    const doc = creditCreate(w, { kind: 'honour', source: 'township', documentNo: id });
    const { json } = await postSync(app, 'collector', request([m, doc]));
    expect(json.results.map((r) => r.code)).toEqual(['note_id_number', 'note_id_number']);
    expect(await credits()).toHaveLength(0);
  });

  it('forbids other villages, residents and a future date; a person must belong to the household', async () => {
    const other = creditCreate(w, { householdId: w.h2 });
    const future = creditCreate(w, { occurredOn: '2025-06-20' });
    const stranger = creditCreate(w, { personId: w.p2 });
    const { json } = await postSync(app, 'collector', request([other, future, stranger]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['forbidden', 'out_of_scope'], ['rejected', 'future_time'], ['rejected', 'person_unknown'],
    ]);
    const resident = await postSync(app, 'resident', request([creditCreate(w)]));
    expect(resident.status === 403 || resident.json.results?.[0]?.status === 'forbidden').toBe(true);
    expect(await credits()).toHaveLength(0);
  });

  it('is withdrawn by its recorder only, before review', async () => {
    const m = creditCreate(w);
    await postSync(app, 'collector', request([m]));
    const recordId = (m.payload as { recordId: string }).recordId;
    const byOther = await postSync(app, 'collector2', request([creditWithdraw(recordId)]));
    expect(byOther.json.results[0]).toMatchObject({ status: 'forbidden', code: 'not_recorder' });
    const mine = await postSync(app, 'collector', request([creditWithdraw(recordId)]));
    expect(mine.json.results[0]).toMatchObject({ status: 'applied' });
    expect((await credits())[0].state).toBe('withdrawn');
    const twice = await postSync(app, 'collector', request([creditWithdraw(recordId)]));
    expect(twice.json.results[0]).toMatchObject({ status: 'duplicate', code: 'already_withdrawn' });
    expect(await t.db.selectFrom('credit_record_events').select('to_state').orderBy('at').execute()).toHaveLength(2);
  });

  it('reaches the other phones of the village in the pull (table creditRecord), not other villages', async () => {
    const m = creditCreate(w, { kind: 'honour', source: 'township', documentNo: '平政字〔2025〕8号' });
    await postSync(app, 'collector', request([m]));
    const pull = await postSync(app, 'collector2', request([]));
    const page = pull.json.changes.find((c) => c.scope === scopeOfVillage(w.v1))!;
    expect(decodeRows('creditRecord', page.tables.creditRecord!)).toEqual([expect.objectContaining({
      id: (m.payload as { recordId: string }).recordId, householdId: w.h1, kind: 'honour', documentNo: '平政字〔2025〕8号', state: 'submitted',
    })]);
    expect(page.tables.entry).toBeUndefined();
    const elsewhere = await postSync(app, 'otherVillage', request([]));
    for (const c of elsewhere.json.changes) expect(c.tables.creditRecord).toBeUndefined();
  });
});
