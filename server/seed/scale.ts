// The scale seed behind `npm run seed`: N villages × M households × K entries, up to Pingdu scale
// (1,788 villages, 317,000 households, 6.5 million entries) in minutes on a small machine.
// Villages are generated one at a time (on PostgreSQL a few ahead, in a worker thread) and written
// through a bulk session (bulk-session.ts); townships group ~110 villages, as Pingdu's 17 towns
// and streets do.
// docs/performance.md "Seeding" has measured speeds.
import fs from 'node:fs';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { hashSecret } from '../auth/password';
import { loadOrCreateMasterKey } from '../security/pii';
import { writePart, writeTownship } from './bulk';
import { seedConsents } from './consents';
import { openPostgresBulkSession, openSqliteBulkSession, type BulkSession } from './bulk-session';
import { planTownships, type ScaleContext } from './scale-village';
import { openVillageSource } from './village-source';
import { DAY, DEMO_ANCHOR_DAY, HOUR, addDays, chinaMs, resolveAnchor } from './timeline';
import { makeUser, scopeRows, staffRng } from './users';

export interface ScaleOptions {
  villages: number;
  /** Households per village. */
  households: number;
  /** Entries per village (spread from `from` to the day before the anchor). */
  entries: number;
  /** postgres://… or null for SQLite at `sqlitePath`. */
  databaseUrl: string | null;
  sqlitePath: string;
  /** The data directory; the PII master key lives outside it (server/security/key-file.ts) unless `piiKeyHex` is given. */
  dataDir: string;
  piiKeyHex?: string | null;
  /** The key file (config.piiKeyFile); default `<dataDir>-keys/pii.key`. */
  piiKeyFile?: string;
  /** Empty the database first (SQLite: delete the file; PostgreSQL: truncate every table). */
  reset?: boolean;
  seed?: number;
  villagesPerTownship?: number;
  /** Share of adults given an ID number; the rest have none (guardrail 6: only where needed). */
  idShare?: number;
  /** One password for every seeded staff account (hashed once). */
  password?: string;
  from?: string;
  anchorDay?: string;
  now?: Date;
  /**
   * Generate in a worker thread (falls back to this thread when one cannot start). Default: on
   * PostgreSQL, where the server inserts while Node generates; not on SQLite, where inserting is
   * the bottleneck and handing encoded rows over costs about what generating them in place does.
   */
  worker?: boolean;
  log?: (line: string) => void;
}

export interface ScaleResult {
  townships: number; villages: number; households: number; persons: number; entries: number;
  events: number; users: number; rows: number; seconds: number; rowsPerSecond: number;
  generator: 'worker' | 'inline';
  logins: { username: string; password: string; note: string }[];
}

const DEFAULT_PASSWORD = 'cunxin-scale';
/** Villages per SQLite transaction: commits are rare, and the in-memory journal stays bounded. */
const VILLAGES_PER_CHECKPOINT = 20;

export async function seedScale(opts: ScaleOptions): Promise<ScaleResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!(opts.villages >= 1 && opts.households >= 1 && opts.entries >= 0)) throw new RangeError('need villages ≥ 1, households ≥ 1, entries ≥ 0');
  const password = opts.password ?? DEFAULT_PASSWORD;
  const { anchorMs, shiftDays } = resolveAnchor(opts.anchorDay ?? DEMO_ANCHOR_DAY, opts.now ?? new Date());
  const from = addDays(opts.from ?? '2026-01-01', shiftDays);

  await prepareEmptyDatabase(opts);
  const ctx: ScaleContext = {
    seed: opts.seed ?? 1, villages: opts.villages, households: opts.households, entries: opts.entries,
    villagesPerTownship: opts.villagesPerTownship ?? 110, rosterMs: chinaMs(from) - 20 * DAY + 9 * HOUR, from, anchorMs,
    idShare: opts.idShare ?? 0.1, passwordHash: await hashSecret(password),
    piiKeyHex: loadOrCreateMasterKey(opts.piiKeyHex ?? null, opts.dataDir, opts.piiKeyFile),
  };
  const plan = planTownships(ctx);
  const admin = makeUser(staffRng(ctx.seed, 0), ctx.rosterMs, { username: 'admin', displayName: '系统管理员', role: 'admin', townshipId: null, passwordHash: ctx.passwordHash });

  const session: BulkSession = opts.databaseUrl ? await openPostgresBulkSession(opts.databaseUrl) : openSqliteBulkSession(opts.sqlitePath);
  const source = await openVillageSource(ctx, opts.worker ?? Boolean(opts.databaseUrl));
  const counts = { households: 0, persons: 0, entries: 0, events: 0, users: 0 };
  const started = Date.now();
  const progress = throttledProgress(log, started, opts.villages, () => session.writer.rowsWritten);
  try {
    log(`[seed] generating in ${source.mode === 'worker' ? 'a worker thread' : 'the main thread'}`);
    for (const t of plan) await writeTownship(session.writer, t.rows);
    const villagesOf = plan.map(() => [] as string[]);
    for (let g = 0; g < opts.villages; g++) {
      const v = await source.get(g);
      for (const part of v.parts) await writePart(session.writer, part);
      villagesOf[v.townshipIndex].push(v.villageId);
      for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += v.counts[k];
      if ((g + 1) % VILLAGES_PER_CHECKPOINT === 0) await session.checkpoint();
      progress(g + 1);
    }
    // Accounts that span villages go last, once every village id is known.
    const wide = [admin, ...plan.map((t) => t.user)];
    await session.writer.write('users', wide.map((u) => u.row));
    await session.writer.write('user_villages', [
      ...scopeRows([admin], villagesOf.flat()),
      ...plan.flatMap((t, i) => scopeRows([t.user], villagesOf[i])),
    ]);
    counts.users += wide.length;
    progress(opts.villages, true);
    await session.finish(log);
  } finally {
    await source.close();
    await session.close();
  }

  // Consent answers (server/seed/consents.ts), in one statement per purpose after the bulk load.
  const consentDb = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath, poolSize: 1 });
  try {
    const villageIds = (await consentDb.db.selectFrom('villages').select('id').execute()).map((v) => v.id);
    for (let i = 0; i < villageIds.length; i += 500) await seedConsents(consentDb.db, villageIds.slice(i, i + 500), new Date(ctx.rosterMs + DAY).toISOString());
  } finally {
    await consentDb.close();
  }

  const seconds = (Date.now() - started) / 1000;
  const rows = session.writer.rowsWritten;
  log(`[seed] done: ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s`);
  const firstTownship = plan[0].rows.township.code;
  return {
    townships: plan.length, villages: opts.villages, ...counts, rows, seconds, rowsPerSecond: Math.round(rows / seconds),
    generator: source.mode,
    logins: [
      { username: 'admin', password, note: 'admin, every seeded village' },
      { username: `${firstTownship}-township`, password, note: 'township staff of the first township (<township code>-township for each)' },
      { username: `${firstTownship}001-collector`, password, note: 'collector of the first village (<village code>-collector / -committee1 / -committee2 for each)' },
    ],
  };
}

/**
 * Migrates, and empties the database with --reset (SQLite: deletes the file; PostgreSQL:
 * truncates every table, including ones later migrations add). Refuses a database with data.
 */
async function prepareEmptyDatabase(opts: ScaleOptions): Promise<void> {
  if (opts.reset && !opts.databaseUrl) {
    for (const f of ['', '-wal', '-shm', '-journal']) fs.rmSync(opts.sqlitePath + f, { force: true });
  }
  const db = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath, poolSize: 1 });
  try {
    await migrateToLatest(db.db);
    if (opts.reset && db.dialect === 'postgres') await truncateAll(db);
    if (await db.db.selectFrom('townships').select('id').limit(1).executeTakeFirst()) {
      throw new Error('the database already has data: pass --reset to replace it');
    }
  } finally {
    // Closed before the bulk session: on SQLite it must be the only connection to the file.
    await db.close();
  }
}

async function truncateAll(db: Db): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely_migration%'`.execute(db.db);
  if (rows.length > 0) await sql.raw(`truncate ${rows.map((r) => `"${r.name}"`).join(', ')} cascade`).execute(db.db);
}

function throttledProgress(log: (line: string) => void, started: number, villages: number, rows: () => number) {
  let last = started;
  return (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 3000) return;
    last = now;
    const secs = Math.max((now - started) / 1000, 0.001);
    const left = done > 0 ? Math.round((secs / done) * (villages - done)) : '?';
    log(`[seed] villages ${done}/${villages} · ${rows().toLocaleString('en')} rows · ${Math.round(rows() / secs).toLocaleString('en')} rows/s · ${secs.toFixed(0)} s, ~${left} s left`);
  };
}
