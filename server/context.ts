// What every request handler can reach: the dependencies and the logged-in user.
import type { Kysely } from 'kysely';
import type { Database } from './db/schema';
import type { Dialect } from './db/connect';
import type { Config } from './config';
import type { PiiKeys } from './security/pii';
import type { Role } from '../shared/domain/roles';
import type { BatchRunner } from './sync/batch-job';
import type { ExportRunner } from './exports/thread';

export interface Deps {
  db: Kysely<Database>;
  dialect: Dialect;
  config: Config;
  pii: PiiKeys;
  /** Injected clock, so tests can move time (notice windows, session expiry). */
  now: () => Date;
  /**
   * Who runs a pushed batch's write transaction: the SQLite writer thread when the server started
   * one (server/sync/writer/), else this thread (server/sync/push.ts inThisThread).
   */
  batchRunner?: BatchRunner;
  /** The export thread when the server started one (server/exports/thread.ts), else exports run on this thread. */
  exportRunner?: ExportRunner;
  /** Database connections by state, for /metrics (server/db/connect.ts). */
  poolStats?: () => { total: number; idle: number; waiting: number };
}

/** The user behind the session, with the scope the server derives from its own tables. */
export interface SessionUser {
  id: string;
  sessionId: string;
  role: Role;
  displayName: string;
  townshipId: string | null;
  householdId: string | null;
  /** Villages this user may see: assigned villages, or all of the township for township staff. */
  villageIds: string[];
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    user: SessionUser | null;
    /** Set by server/ops/request-log.ts; also the X-Request-Id answer header. */
    requestId: string;
  };
}
