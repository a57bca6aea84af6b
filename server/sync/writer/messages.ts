// What the main thread and the SQLite writer thread say to each other (structured clones).
import type { BatchJob, BatchOutcome } from '../batch-job';

export type WriterRequest =
  | { type: 'job'; id: number; job: BatchJob }
  /** Finish the jobs already sent, close the connection, end the thread. */
  | { type: 'close' };

export type WriterReply =
  | { type: 'done'; id: number; outcome: BatchOutcome }
  /** Nothing of the job was committed (the transaction threw); the message is for the log. */
  | { type: 'failed'; id: number; message: string };
