// The SQLite writer thread's body (see writer-thread.ts): its own connection to the server's
// database file, and the write transaction (push.ts runBatchJob) of every batch the main thread
// posts, one at a time, in arrival order.
//
// (Group commit, several waiting batches in one transaction, was tried: with four phones pushing
// at full speed on two cores no batch ever waited for another, so it bought nothing.)
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/connect';
import { runBatchJob } from '../push';
import type { WriterReply, WriterRequest } from './messages';

const { sqlitePath } = workerData as { sqlitePath: string };
const database = openDatabase({ databaseUrl: null, sqlitePath });
const port = parentPort!;
let queue = Promise.resolve();

port.on('message', (msg: WriterRequest) => {
  // Strictly one after another: there is one write lock, and waiting for it in SQLite's busy
  // handler (which sleeps) would only slow the next batch down.
  queue = queue.then(() => (msg.type === 'close' ? close() : write(msg.id, msg.job)));
});

async function write(id: number, job: Extract<WriterRequest, { type: 'job' }>['job']): Promise<void> {
  let reply: WriterReply;
  try {
    reply = { type: 'done', id, outcome: await runBatchJob(database, job) };
  } catch (err) {
    reply = { type: 'failed', id, message: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
  port.postMessage(reply);
}

async function close(): Promise<void> {
  await database.close();
  port.close();
}
