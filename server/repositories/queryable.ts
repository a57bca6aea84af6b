// The one parameter type of every repository function: a database handle or a transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

export type Queryable = Kysely<Database> | Transaction<Database>;

/** Integer flags are stored as 0/1 on both dialects. */
export const bool = (v: number | boolean | null | undefined): boolean => v === 1 || v === true;
