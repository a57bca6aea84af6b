// The SQLite writer thread's body (see writer-thread.ts): its own connection to the server's
// database file, and the write transactions of the batches the main thread posts, in arrival
// order.
//
// Group commit: the batches that arrived while the previous transaction ran are written together
// in one transaction, each in its own savepoint (push.ts runBatchJobs), so that one commit — one
// fsync under synchronous=FULL — serves them all. With four phones no batch ever waited for
// another and grouping bought nothing; with twenty (npm run bench:load) the commit was half of
// the writer's time and the writer the bottleneck. A lone batch is still one transaction alone.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/connect';
import { runBatchJobs } from '../push';
import type { WriterReply, WriterRequest } from './messages';

type JobRequest = Extract<WriterRequest, { type: 'job' }>;

/** At most this many batches share a commit (a bound on one transaction's size and latency). */
const MAX_GROUP = 16;

const { sqlitePath } = workerData as { sqlitePath: string };
const database = openDatabase({ databaseUrl: null, sqlitePath });
const port = parentPort!;
const pending: JobRequest[] = [];
let closeRequested = false;
let draining = false;

port.on('message', (msg: WriterRequest) => {
  take(msg);
  void drain();
});

function take(msg: WriterRequest): void {
  if (msg.type === 'close') closeRequested = true;
  else pending.push(msg);
}

/**
 * better-sqlite3 runs a transaction synchronously, so batches posted meanwhile are still queued on
 * the port, not yet delivered as events: take them now, so that they join the next group.
 */
function takeQueued(): void {
  for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) take(received.message as WriterRequest);
}

// Strictly one transaction after another: there is one write lock, and waiting for it in SQLite's
// busy handler (which sleeps) would only slow the next group down.
async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (takeQueued(); pending.length > 0; takeQueued()) await writeGroup(pending.splice(0, MAX_GROUP));
    if (closeRequested) await close();
  } finally {
    draining = false;
  }
}

async function writeGroup(group: JobRequest[]): Promise<void> {
  let replies: WriterReply[];
  try {
    const outcomes = await runBatchJobs(database, group.map((g) => g.job));
    replies = outcomes.map((o, i) => (o.ok
      ? { type: 'done', id: group[i].id, outcome: o.outcome }
      : { type: 'failed', id: group[i].id, message: o.message }));
  } catch (err) {
    // The transaction (its begin or commit) failed: nothing of any batch of the group was written.
    const message = err instanceof Error ? err.stack ?? err.message : String(err);
    replies = group.map((g) => ({ type: 'failed', id: g.id, message }));
  }
  for (const reply of replies) port.postMessage(reply);
}

async function close(): Promise<void> {
  await database.close();
  port.close();
}
