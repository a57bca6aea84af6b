// What an apply step gets: the open write transaction and who is pushing from where.
import crypto from 'node:crypto';
import type { WriteTrx } from '../db/transaction';
import type { Dialect } from '../db/connect';
import type { SessionUser } from '../context';
import type { Outcome } from './outcome';

export interface ApplyContext {
  trx: WriteTrx;
  dialect: Dialect;
  user: SessionUser;
  deviceId: string;
  /** Server time of the push (the injected clock), never the device's. */
  now: Date;
  mutationId: string;
}

/** The result of a successful apply step; a refusal is a thrown RuleFailure instead. */
export interface Applied {
  outcome: Outcome;
  /** The entity the mutation is about, kept on its sync_mutations row. */
  entityId: string | null;
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
