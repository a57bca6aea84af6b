// One batch = one write transaction: one commit for the whole batch, an item refused by a database
// constraint undone alone, an unexpected error stopping the batch at exactly that item, and (on
// PostgreSQL) a deadlock re-running the whole batch with answers from the re-run only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import { scopeOfVillage } from '../../shared/protocol/sync';
import {
  count, entryCreate, entryWithdraw, postSync, request, openSyncWorld, testApp, testDeps, type TestApp, type World,
} from '../test/sync-fixture';

/** Counts the COMMITs sent through this Kysely instance (writeTransaction's SQLite path sends its own). */
function commitCounter(): KyselyPlugin & { commits: number } {
  const plugin = {
    commits: 0,
    transformQuery({ node }: { node: RootOperationNode }) {
      if (node.kind === 'RawNode' && node.sqlFragments.join('').trim().toLowerCase() === 'commit') plugin.commits++;
      return node;
    },
    async transformResult<T>({ result }: { result: T }) { return result; },
  };
  return plugin;
}

const entryIdOf = (m: { payload: unknown }) => (m.payload as { entryId: string }).entryId;

describe.each(await testDialects())('a pushed batch is one transaction on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it.runIf(dialect === 'sqlite')('commits a 300-item batch once', async () => {
    const counter = commitCounter();
    const counted = testApp({ ...testDeps(t), db: t.db.withPlugin(counter) }, w.users);
    const batch = Array.from({ length: 300 }, (_, i) => entryCreate(w, { householdId: i % 2 ? w.h1 : w.h1b }));
    const { json } = await postSync(counted, 'collector', request(batch));
    expect(json.results.every((r) => r.status === 'applied')).toBe(true);
    expect(counter.commits).toBe(1);
    expect(await count(t, 'entries')).toBe(300);
    expect(await count(t, 'entry_events')).toBe(300);
    // The change log got the batch in one allocation: 300 consecutive numbers.
    const seqs = (await t.db.selectFrom('changes').select('seq').where('entity', '=', 'entry').orderBy('seq').execute()).map((r) => Number(r.seq));
    expect(seqs[seqs.length - 1] - seqs[0]).toBe(299);
  });

  it('refuses an item the database refuses (a constraint the rules did not foresee) and keeps the rest', async () => {
    if (dialect === 'sqlite') {
      await sql`create trigger no_magic before insert on entries when new.note = '约束测试' begin select raise(abort, 'magic note'); end`.execute(t.db);
    } else {
      await sql`alter table entries add constraint no_magic check (note <> '约束测试')`.execute(t.db);
    }
    const before = entryCreate(w);
    const bad = entryCreate(w, { note: '约束测试' });
    const after = entryCreate(w);
    const withdrawBad = entryWithdraw(entryIdOf(bad));
    const batch = request([before, bad, after, withdrawBad]);
    const first = await postSync(app, 'collector', batch);
    expect(first.status).toBe(200);
    expect(first.json.results.map((r) => [r.status, r.code])).toEqual([
      ['applied', undefined], ['rejected', 'data_constraint'], ['applied', undefined], ['rejected', 'entry_unknown'],
    ]);
    expect(await count(t, 'entries')).toBe(2);
    expect(await count(t, 'entry_events')).toBe(2);
    // Final: a replay repeats the refusal.
    const again = await postSync(app, 'collector', batch);
    expect(again.json.results.map((r) => [r.status, r.code])).toEqual([
      ['duplicate', undefined], ['rejected', 'data_constraint'], ['duplicate', undefined], ['rejected', 'entry_unknown'],
    ]);
  });

  it('stops at an item that hits an unexpected error: earlier items committed, it and later ones unanswered', async () => {
    const a = entryCreate(w);
    const b = entryCreate(w);
    const c = entryWithdraw(entryIdOf(b));
    const d = entryCreate(w);
    // A database error that is not a constraint, for b's entry only.
    if (dialect === 'sqlite') {
      await sql.raw(`create trigger outage before insert on entries when new.id = '${entryIdOf(b)}' begin select json('{broken'); end`).execute(t.db);
    } else {
      await sql.raw(`create function outage() returns trigger language plpgsql as $$ begin
        if new.id = '${entryIdOf(b)}' then raise exception 'simulated outage' using errcode = 'XX000'; end if; return new; end $$`).execute(t.db);
      await sql`create trigger outage before insert on entries for each row execute function outage()`.execute(t.db);
    }
    const batch = request([a, b, c, d]);
    const first = await postSync(app, 'collector', batch);
    expect(first.status).toBe(200);
    expect(first.json.results).toEqual([{ id: a.id, status: 'applied' }]);
    expect(await count(t, 'sync_mutations')).toBe(1);
    expect(await count(t, 'entries')).toBe(1);

    await sql`drop trigger outage ${sql.raw(dialect === 'postgres' ? 'on entries' : '')}`.execute(t.db);
    const retry = await postSync(app, 'collector', batch);
    expect(retry.json.results).toEqual([
      { id: a.id, status: 'duplicate' }, { id: b.id, status: 'applied' }, { id: c.id, status: 'applied' }, { id: d.id, status: 'applied' },
    ]);
    expect(await count(t, 'entries')).toBe(3);
    expect(await count(t, 'entry_events')).toBe(4);
  });

  it('answers nothing when the batch cannot be committed, and a replay then applies it once', async () => {
    const batch = request([entryCreate(w), entryCreate(w)]);
    // Every statement that would log a change fails: the batch never commits.
    if (dialect === 'sqlite') {
      await sql`create trigger no_log before insert on changes begin select json('{broken'); end`.execute(t.db);
    } else {
      await sql`create function no_log() returns trigger language plpgsql as $$ begin raise exception 'disk gone' using errcode = '58030'; end $$`.execute(t.db);
      await sql`create trigger no_log before insert or update on changes for each row execute function no_log()`.execute(t.db);
    }
    const first = await postSync(app, 'collector', batch);
    expect(first.status).toBe(200);
    expect(first.json.results).toEqual([]);
    expect(await count(t, 'sync_mutations')).toBe(0);
    expect(await count(t, 'entries')).toBe(0);
    await sql`drop trigger no_log ${sql.raw(dialect === 'postgres' ? 'on changes' : '')}`.execute(t.db);
    const retry = await postSync(app, 'collector', batch);
    expect(retry.json.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await count(t, 'entries')).toBe(2);
  });

  it('counts caps, reversals and withdrawals of the same batch as item by item would', async () => {
    const scope = scopeOfVillage(w.v1);
    const capped = Array.from({ length: 3 }, () => entryCreate(w, { indicatorCode: 'B01', points: 3 }));
    // The original is effective before the batch: only an effective entry can be reversed.
    const original = entryCreate(w);
    await postSync(app, 'collector', request([original]));
    await t.db.updateTable('entries').set({ state: 'effective' }).where('id', '=', entryIdOf(original)).execute();
    const reversal = entryCreate(w, { reverses: entryIdOf(original), points: -5 });
    const second = entryCreate(w, { reverses: entryIdOf(original), points: -5 });
    const withdrawReversal = entryWithdraw(entryIdOf(reversal));
    const third = entryCreate(w, { reverses: entryIdOf(original), points: -5 });
    const withdrawCapped = entryWithdraw(entryIdOf(capped[0]));
    const cappedAgain = entryCreate(w, { indicatorCode: 'B01', points: 3 });
    const { json } = await postSync(app, 'collector', request([
      ...capped, reversal, second, withdrawReversal, third, withdrawCapped, cappedAgain,
    ]));
    expect(json.results.map((r) => r.code ?? r.status)).toEqual([
      'applied', 'applied', 'cap_exceeded', 'applied', 'already_reversed', 'applied', 'applied', 'applied', 'applied',
    ]);
    const states = await t.db.selectFrom('entries').select(['id', 'state']).execute();
    const stateOf = new Map(states.map((r) => [r.id, r.state]));
    expect(stateOf.get(entryIdOf(reversal))).toBe('withdrawn');
    expect(stateOf.get(entryIdOf(capped[0]))).toBe('withdrawn');
    expect(stateOf.get(entryIdOf(third))).toBe('submitted');
    expect(await count(t, 'entry_events')).toBe(states.length + 2);
    const logged = await t.db.selectFrom('changes').select('entity_id').where('scope', '=', scope).where('entity', '=', 'entry').execute();
    expect(logged).toHaveLength(states.length);
  });

  it.runIf(dialect === 'postgres')('re-runs the whole batch after a deadlock and answers from the re-run', async () => {
    // The first attempt's entry insert fails as a deadlock would (sequences ignore rollbacks).
    await sql`create sequence fault_once`.execute(t.db);
    await sql`create function fault_once() returns trigger language plpgsql as $$ begin
      if nextval('fault_once') = 1 then raise exception 'simulated deadlock' using errcode = '40P01'; end if; return new; end $$`.execute(t.db);
    await sql`create trigger fault_once before insert on entries for each row execute function fault_once()`.execute(t.db);
    const batch = request([entryCreate(w), entryCreate(w), entryCreate(w, { indicatorCode: 'B10', points: 5 })]);
    const { json } = await postSync(app, 'collector', batch);
    // From the run that committed: not 'duplicate' for claims the failed attempt made and lost.
    expect(json.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'applied', 'points_sign']);
    expect(Number((await sql<{ n: number }>`select last_value as n from fault_once`.execute(t.db)).rows[0].n)).toBeGreaterThan(1);
    expect(await count(t, 'sync_mutations')).toBe(3);
    expect(await count(t, 'entries')).toBe(2);
    expect(await count(t, 'entry_events')).toBe(2);
  });

  it('leaves no trace of a batch from a mutation id someone else owns', async () => {
    const m = entryCreate(w);
    await postSync(app, 'collector', request([m]));
    const { json } = await postSync(app, 'collector2', request([m, entryCreate(w, { entryId: uuidv7() })]));
    expect(json.results.map((r) => r.code ?? r.status)).toEqual(['id_reused', 'applied']);
    expect(await count(t, 'entries')).toBe(2);
  });
});

describe('entry content hash', () => {
  it('is the same whether derived from the mutation content or computed from the payload', async () => {
    const { entryContentHash } = await import('./apply-entry');
    const { mutationContent } = await import('../../shared/sync/result-rules');
    const payloads = [
      { entryId: uuidv7(), householdId: uuidv7(), personId: null, catalogVersionId: uuidv7(), indicatorCode: 'B02', occurredOn: '2025-06-14', points: 5, note: '拾金不昧 "引号" \\ \n', reverses: null },
      { reverses: uuidv7(), note: '', points: -5, occurredOn: '2025-06-14', indicatorCode: 'B02', catalogVersionId: uuidv7(), personId: uuidv7(), householdId: uuidv7(), entryId: uuidv7() },
    ];
    for (const p of payloads) {
      expect(entryContentHash(p, mutationContent({ kind: 'entry.create', payload: p }))).toBe(entryContentHash(p));
    }
    expect(entryContentHash(payloads[0], 'not the content')).toBe(entryContentHash(payloads[0]));
  });
});
