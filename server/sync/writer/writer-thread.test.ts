// The SQLite writer thread (writer-thread.ts): pushes written on it give the answers and rows of
// pushes written on the main thread; a thread that dies loses nothing acknowledged, and the next
// push starts a new one; the main thread's own writers share the database with it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../../test/databases';
import { writeTransaction } from '../../db/transaction';
import { recordChanges } from '../../db/changes';
import { scopeOfVillage } from '../../../shared/protocol/sync';
import {
  count, entryCreate, entryWithdraw, openSyncWorld, postSync, request, testApp, testDeps, type TestApp, type World,
} from '../../test/sync-fixture';
import { WriterThread } from './writer-thread';
import type { BatchJob, BatchRunner } from '../batch-job';
import { runBatchJobs } from '../push';

const HAS_SQLITE = (await testDialects()).includes('sqlite');

describe.runIf(HAS_SQLITE)('the SQLite writer thread', () => {
  let t: TestDatabase;
  let w: World;
  let writer: WriterThread;
  let app: TestApp;
  beforeEach(async () => {
    ({ t, w } = await openSyncWorld('sqlite'));
    writer = new WriterThread(t.sqlitePath);
    app = testApp({ ...testDeps(t), batchRunner: writer }, w.users);
  });
  afterEach(async () => {
    await writer.close();
    await t.drop();
  });

  it('answers a mixed batch item by item, as the main thread does, and a replay as duplicates', async () => {
    const a = entryCreate(w);
    const tooMany = entryCreate(w, { points: 99 }); // B02 gives 5: refused, the rest goes on
    const withdrawA = entryWithdraw((a.payload as { entryId: string }).entryId);
    const batch = [a, tooMany, a, withdrawA];
    const first = await postSync(app, 'collector', request(batch));
    expect(first.status).toBe(200);
    expect(first.json.results.map((r) => [r.id, r.status, r.code])).toEqual([
      [a.id, 'applied', undefined],
      [tooMany.id, 'rejected', 'points_range'],
      [a.id, 'duplicate', undefined],
      [withdrawA.id, 'applied', undefined],
    ]);
    expect(await count(t, 'entries')).toBe(1);
    expect(await t.db.selectFrom('entries').select('state').executeTakeFirstOrThrow()).toEqual({ state: 'withdrawn' });

    // The lost-answer replay: every item is acknowledged again, nothing is written twice.
    const replay = await postSync(app, 'collector', request(batch));
    expect(replay.json.results.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'duplicate', 'duplicate']);
    expect(await count(t, 'entries')).toBe(1);
    expect(await count(t, 'entry_events')).toBe(2);
  });

  it('leaves a batch unanswered when the thread dies under it, and the next push starts a new thread', async () => {
    // The thread is stopped right after the batch was handed to it.
    const dying: BatchRunner = { run: (job) => { const answer = writer.run(job); void writer.terminate(); return answer; } };
    const dyingApp = testApp({ ...testDeps(t), batchRunner: dying }, w.users);
    const m = entryCreate(w);
    const lost = await postSync(dyingApp, 'collector', request([m]));
    expect(lost.status).toBe(200);
    expect(lost.json.results).toEqual([]); // no answer: the phone keeps the item and sends it again
    const committed = await count(t, 'entries'); // 0, unless the thread committed before it stopped

    const again = await postSync(app, 'collector', request([m]));
    expect(again.json.results).toEqual([{ id: m.id, status: committed === 1 ? 'duplicate' : 'applied' }]);
    expect(await count(t, 'entries')).toBe(1);
  });

  it('answers nothing once closed (the server is stopping): the phone keeps its items', async () => {
    await writer.close();
    const late = await postSync(app, 'collector', request([entryCreate(w)]));
    expect(late.status).toBe(200);
    expect(late.json.results).toEqual([]);
    expect(await count(t, 'entries')).toBe(0);
  });

  it('shares the database with writers on the main thread', async () => {
    const pushes = Array.from({ length: 5 }, () => postSync(app, 'collector', request([entryCreate(w), entryCreate(w)])));
    const mainWrites = Array.from({ length: 5 }, (_, i) => writeTransaction(testDeps(t), async (trx) => {
      await trx.updateTable('households').set({ head_name: `张三${i}` }).where('id', '=', w.h1).execute();
      await recordChanges(trx, scopeOfVillage(w.v1), 'household', [w.h1]);
    }));
    const answers = await Promise.all(pushes);
    await Promise.all(mainWrites);
    expect(answers.flatMap((a) => a.json.results.map((r) => r.status))).toEqual(Array(10).fill('applied'));
    expect(await count(t, 'entries')).toBe(10);
  });

  it('group commit: waiting batches share one transaction, and a batch that throws undoes only its own writes', async () => {
    const jobs: BatchJob[] = [];
    const capture: BatchRunner = { run: (job) => { jobs.push(job); return Promise.reject(new Error('captured, not written')); } };
    const captureApp = testApp({ ...testDeps(t), batchRunner: capture }, w.users);
    for (let i = 0; i < 2; i++) await postSync(captureApp, 'collector', request([entryCreate(w), entryCreate(w)]));
    expect(await count(t, 'entries')).toBe(0);
    const poisoned: BatchJob = { ...jobs[0], items: [{ ...jobs[0].items[0], m: null as never }] };
    const outcomes = await runBatchJobs(testDeps(t), [jobs[0], poisoned, jobs[1]]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(await count(t, 'entries')).toBe(4);
    expect(await count(t, 'sync_mutations')).toBe(4);
  });

  it('answers twenty phones pushing at once, every item applied once', async () => {
    const pushes = Array.from({ length: 20 }, () => postSync(app, 'collector', request([entryCreate(w), entryCreate(w), entryCreate(w)])));
    const answers = await Promise.all(pushes);
    expect(answers.flatMap((a) => a.json.results.map((r) => r.status))).toEqual(Array(60).fill('applied'));
    expect(await count(t, 'entries')).toBe(60);
  });
});
