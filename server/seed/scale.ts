// The scale seed behind `npm run seed`: N villages × M households × K entries, up to Pingdu scale
// (1,788 villages, 317,000 households, 6.5 million entries) in minutes on a small machine.
// Villages are generated and written one at a time; townships group ~110 villages, as Pingdu's
// 17 towns and streets do. See docs/performance.md "Seeding" for measured speeds.
import fs from 'node:fs';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { hashSecret } from '../auth/password';
import { loadOrCreateMasterKey, piiKeysFrom, protectIdNumber } from '../security/pii';
import { writeTownship, writeVillage, type BulkWriter } from './bulk';
import { openPostgresBulkSession, openSqliteBulkSession, type BulkSession } from './bulk-session';
import { DEFAULT_AREA_CODE, generateTownship, generateVillage, type StaffMember } from './generate';
import { createRng } from './random';
import { townshipName } from './names';
import { DAY, DEMO_ANCHOR_DAY, addDays, chinaMs, resolveAnchor } from './timeline';
import { makeUser, scopeRows, staffName, staffRng, type SeededUser } from './users';
import type { TownshipRows, VillageRows } from './rows';

export interface ScaleOptions {
  villages: number;
  /** Households per village. */
  households: number;
  /** Entries per village (spread from `from` to the day before the anchor). */
  entries: number;
  /** postgres://… or null for SQLite at `sqlitePath`. */
  databaseUrl: string | null;
  sqlitePath: string;
  /** Where the PII master key lives (DATA_DIR/secret.key) unless `piiKeyHex` is given. */
  dataDir: string;
  piiKeyHex?: string | null;
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
  log?: (line: string) => void;
}

export interface ScaleResult {
  townships: number; villages: number; households: number; persons: number; entries: number;
  events: number; users: number; rows: number; seconds: number; rowsPerSecond: number;
  logins: { username: string; password: string; note: string }[];
}

const DEFAULT_PASSWORD = 'cunxin-scale';
/** Villages per SQLite transaction: commits are rare, and the in-memory journal stays bounded. */
const VILLAGES_PER_CHECKPOINT = 20;

export async function seedScale(opts: ScaleOptions): Promise<ScaleResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!(opts.villages >= 1 && opts.households >= 1 && opts.entries >= 0)) throw new RangeError('need villages ≥ 1, households ≥ 1, entries ≥ 0');
  const seed = opts.seed ?? 1;
  const perTownship = opts.villagesPerTownship ?? 110;
  const password = opts.password ?? DEFAULT_PASSWORD;
  const { anchorMs, shiftDays } = resolveAnchor(opts.anchorDay ?? DEMO_ANCHOR_DAY, opts.now ?? new Date());
  const from = addDays(opts.from ?? '2026-01-01', shiftDays);
  const rosterMs = chinaMs(from) - 20 * DAY + 9 * 3600_000;
  const keys = piiKeysFrom(loadOrCreateMasterKey(opts.piiKeyHex ?? null, opts.dataDir));
  const protectId = (id: string) => protectIdNumber(keys, id);

  if (opts.reset && !opts.databaseUrl) removeSqliteFiles(opts.sqlitePath);
  const db = openDatabase({ databaseUrl: opts.databaseUrl, sqlitePath: opts.sqlitePath, poolSize: 2 });
  let dbOpen = true;
  try {
    await migrateToLatest(db.db);
    if (opts.reset && db.dialect === 'postgres') await truncateAll(db);
    const existing = await db.db.selectFrom('townships').select('id').limit(1).executeTakeFirst();
    if (existing) throw new Error('the database already has data: pass --reset to replace it');

    const passwordHash = await hashSecret(password);
    const plan = planTownships(seed, opts.villages, perTownship, rosterMs, from, passwordHash);
    const staff = curatedStaff(seed, passwordHash, rosterMs);
    const counts = { households: 0, persons: 0, entries: 0, events: 0, users: 0 };
    const issuedIds = new Set<string>();
    const deviceSeqs = new Map<string, number>();

    /** Generates village `g` (global index) with its three accounts; pure apart from sealing IDs. */
    const villageAt = (g: number): { rows: VillageRows; users: SeededUser[] } => {
      const t = plan[Math.floor(g / perTownship)];
      const local = g % perTownship;
      const code = `${t.rows.township.code}${String(local + 1).padStart(3, '0')}`;
      const rng = staffRng(seed, g + 1);
      const mk = (suffix: string, role: 'collector' | 'committee') =>
        makeUser(rng, rosterMs, { username: `${code}-${suffix}`, displayName: staffName(rng), role, townshipId: t.rows.township.id, passwordHash });
      const users = [mk('collector', 'collector'), mk('committee1', 'committee'), mk('committee2', 'committee')];
      const member = (u: SeededUser): StaffMember => u.member;
      const rows = generateVillage({
        seed, index: g, townshipId: t.rows.township.id, catalogVersionId: t.rows.catalogVersion.id, code,
        households: opts.households, entries: opts.entries, rosterMs, from, anchorMs, noticeDays: 7,
        collectors: [member(users[0])], committee: [member(users[1]), member(users[2])],
        areaCode: DEFAULT_AREA_CODE, idShare: opts.idShare ?? 0.1, protectId, issuedIds, deviceSeqs,
      });
      for (const u of users) u.scope = scopeRows([u], [rows.village.id]);
      return { rows, users };
    };

    const started = Date.now();
    let lastLog = started;
    let written: BulkWriter | null = null;
    const progress = (done: number, force = false) => {
      const now = Date.now();
      if (!force && now - lastLog < 3000) return;
      lastLog = now;
      const secs = (now - started) / 1000;
      const rows = written?.rowsWritten ?? 0;
      const eta = done > 0 ? ((secs / done) * (opts.villages - done)).toFixed(0) : '?';
      log(`[seed] villages ${done}/${opts.villages} · ${rows.toLocaleString('en')} rows · ${Math.round(rows / Math.max(secs, 0.001)).toLocaleString('en')} rows/s · ${secs.toFixed(0)} s, ~${eta} s left`);
    };
    const collect = (v: { rows: VillageRows; users: SeededUser[] }) => {
      counts.households += v.rows.households.length;
      counts.persons += v.rows.persons.length;
      counts.entries += v.rows.entries.length;
      counts.events += v.rows.events.length;
      counts.users += v.users.length;
    };
    /** Township-wide accounts get scope rows for villages generated later, so they go last. */
    const writeAccounts = async (w: BulkWriter, villageIds: string[]) => {
      for (const s of staff) s.scope = scopeRows([s], s.row.role === 'admin' ? villageIds : []);
      const townshipUsers = plan.map((t) => t.user);
      for (const t of plan) t.user.scope = scopeRows([t.user], t.villageIds);
      await w.write('users', [...staff, ...townshipUsers].map((u) => u.row));
      await w.write('user_villages', [...staff, ...townshipUsers].flatMap((u) => u.scope));
      counts.users += staff.length + townshipUsers.length;
    };

    const villageIds: string[] = [];
    const writeOne = async (w: BulkWriter, g: number) => {
      const v = villageAt(g);
      plan[Math.floor(g / perTownship)].villageIds.push(v.rows.village.id);
      villageIds.push(v.rows.village.id);
      await writeVillage(w, v.rows);
      await w.write('users', v.users.map((u) => u.row));
      await w.write('user_villages', v.users.flatMap((u) => u.scope));
      collect(v);
    };

    const load = async (session: BulkSession) => {
      try {
        written = session.writer;
        for (const t of plan) await writeTownship(session.writer, t.rows);
        for (let g = 0; g < opts.villages; g++) {
          await writeOne(session.writer, g);
          if ((g + 1) % VILLAGES_PER_CHECKPOINT === 0) await session.checkpoint();
          progress(g + 1);
        }
        await writeAccounts(session.writer, villageIds);
        progress(opts.villages, true);
        await session.finish(log);
      } finally {
        await session.close();
      }
    };
    if (db.dialect === 'sqlite') {
      // The bulk session needs the only connection to the file (see bulk-session.ts).
      await db.close();
      dbOpen = false;
      await load(openSqliteBulkSession(opts.sqlitePath));
    } else {
      await db.db.connection().execute(async (conn) => load(await openPostgresBulkSession(conn)));
    }

    const seconds = (Date.now() - started) / 1000;
    const rows = (written as BulkWriter | null)?.rowsWritten ?? 0;
    log(`[seed] done: ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s`);
    return {
      townships: plan.length, villages: opts.villages, ...counts, rows, seconds, rowsPerSecond: Math.round(rows / seconds),
      logins: [
        { username: 'admin', password, note: 'admin of every seeded village' },
        { username: `${plan[0]?.rows.township.code}-township`, password, note: 'township staff of the first township' },
        { username: `${plan[0]?.rows.township.code}001-collector`, password, note: 'collector of the first village; <village code>-collector / -committee1 / -committee2 for every village' },
      ],
    };
  } finally {
    if (dbOpen) await db.close();
  }
}

interface TownshipPlan { rows: TownshipRows; user: SeededUser; villageIds: string[] }

function planTownships(seed: number, villages: number, perTownship: number, rosterMs: number, from: string, passwordHash: string): TownshipPlan[] {
  const plan: TownshipPlan[] = [];
  const count = Math.ceil(villages / perTownship);
  for (let t = 0; t < count; t++) {
    const code = `${DEFAULT_AREA_CODE}${String(101 + t).padStart(3, '0')}`;
    const rows = generateTownship({
      seed, index: t, code, name: townshipName(createRng(seed, 99, t)), createdMs: rosterMs - 30 * DAY,
      catalogEffectiveFrom: from, noticeDays: 7,
    });
    const rng = staffRng(seed, 1_000_000 + t);
    const user = makeUser(rng, rosterMs, {
      username: `${code}-township`, displayName: staffName(rng), role: 'township', townshipId: rows.township.id, passwordHash,
    });
    plan.push({ rows, user, villageIds: [] });
  }
  return plan;
}

/** The scale seed's admin, with scope rows for every village. */
function curatedStaff(seed: number, passwordHash: string, rosterMs: number): SeededUser[] {
  const rng = staffRng(seed, 0);
  return [makeUser(rng, rosterMs, { username: 'admin', displayName: '系统管理员', role: 'admin', townshipId: null, passwordHash })];
}

function removeSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

/** Every table except the migration bookkeeping, so tables added by later migrations are emptied too. */
async function truncateAll(db: Db): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely_migration%'`.execute(db.db);
  if (rows.length === 0) return;
  await sql.raw(`truncate ${rows.map((r) => `"${r.name}"`).join(', ')} cascade`).execute(db.db);
}
