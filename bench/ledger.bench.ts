// npm run bench:ledger — the ledger at Pingdu scale (issue 8), on SQLite (BENCH_LEDGER_PG=1 also
// runs PostgreSQL at TEST_DATABASE_URL's server):
//  - seeds directly in bulk a fresh migrated database: 317,000 households in 1,788 villages and a
//    year of transfers each (12 monthly issues of points and standing, 2 shop redemptions) =
//    4.4 million transfers, 16.5 million legs;
//  - posting rate: transfers through postTransfer, one per writeTransaction (a hand-over: bound
//    by the commit's fsync) and 100 per transaction (a notice window settling: the ledger's own
//    cost); half of them debit a household's never-negative points (the locked, checked path);
//  - a household's balance read (balancesOf: posted, pending, available) for random households:
//    p50 / p95 / p99, target p95 < 10 ms.
// Repeats the measures BENCH_LEDGER_REPEATS times (default 3); prints figures and ends with one
// line of JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type Db } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { writeTransaction } from '../server/db/transaction';
import { balancesOf, postTransfer } from '../server/repositories/ledger';
import { accountKey } from '../shared/domain/ledger';
import { householdPoints, householdStanding, pointsRedeemed, villagePointsPool, villageStandingPool } from '../shared/domain/points-ledger';
import { PG_ADMIN_URL } from '../server/test/databases';

const HOUSEHOLDS = Number(process.env.BENCH_LEDGER_HOUSEHOLDS ?? 317_000);
const VILLAGES = 1788;
const POSTS = Number(process.env.BENCH_LEDGER_POSTS ?? 2000);
const READS = Number(process.env.BENCH_LEDGER_READS ?? 2000);
const REPEATS = Number(process.env.BENCH_LEDGER_REPEATS ?? 3);
const YEAR = 2026;
const TARGET_P95_MS = 10;

const log = (line: string) => console.log(line);
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]; };
const r2 = (n: number) => Math.round(n * 100) / 100;
const hid = (i: number) => `h${String(i).padStart(7, '0')}`;
const vid = (i: number) => `v${String(i % VILLAGES).padStart(5, '0')}`;
const iso = (month: number, day: number) => new Date(Date.UTC(YEAR, month, day, 2)).toISOString();

/** Rows of a year of transfers, household by household, for a bulk writer. */
function* yearOfTransfers() {
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const h = hid(i); const v = vid(i);
    for (let m = 0; m < 12; m++) {
      const at = iso(m, 5 + (i % 20)); const p = 3 + ((i + m) % 8);
      yield { id: `t${i}-${m}`, key: `entry.issue:b${i}-${m}`, kind: 'entry.issue', status: 'posted', at, village: v,
        legs: [[accountKey(householdPoints(h)), p], [accountKey(villagePointsPool(v)), -p], [accountKey(householdStanding(h, YEAR)), p], [accountKey(villageStandingPool(v, YEAR)), -p]] as [string, number][] };
    }
    for (let k = 0; k < 2; k++) {
      yield { id: `r${i}-${k}`, key: `shop.reserve.points:b${i}-${k}`, kind: 'shop.reserve', status: k === 0 ? 'posted' : 'pending', at: iso(6 + k * 4, 20), village: v,
        legs: [[accountKey(householdPoints(h)), -10], [accountKey(pointsRedeemed(v)), 10]] as [string, number][] };
    }
  }
}

function accountsOf(): { id: string; kind: string; owner: string; year: number }[] {
  const out = [];
  for (let v = 0; v < VILLAGES; v++) {
    const id = vid(v);
    out.push({ id: accountKey(villagePointsPool(id)), kind: 'village_points_pool', owner: id, year: 0 });
    out.push({ id: accountKey(villageStandingPool(id, YEAR)), kind: 'village_standing_pool', owner: id, year: YEAR });
    out.push({ id: accountKey(pointsRedeemed(id)), kind: 'points_redeemed', owner: id, year: 0 });
  }
  for (let i = 0; i < HOUSEHOLDS; i++) {
    out.push({ id: accountKey(householdPoints(hid(i))), kind: 'household_points', owner: hid(i), year: 0 });
    out.push({ id: accountKey(householdStanding(hid(i), YEAR)), kind: 'household_standing', owner: hid(i), year: YEAR });
  }
  return out;
}

function seedSqlite(file: string): { transfers: number; legs: number } {
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  const acc = raw.prepare('insert into ledger_accounts (id, township_id, kind, owner_id, item_id, year, created_at) values (?, ?, ?, ?, \'\', ?, ?)');
  const tr = raw.prepare('insert into ledger_transfers (id, idempotency_key, body_hash, kind, unit, status, township_id, village_id, memo, actor_id, at) values (?, ?, \'bench\', ?, \'points\', ?, \'T\', ?, \'\', \'bench\', ?)');
  const leg = raw.prepare('insert into ledger_legs (transfer_id, account_id, amount, status, at) values (?, ?, ?, ?, ?)');
  let transfers = 0; let legs = 0;
  raw.transaction(() => { for (const a of accountsOf()) acc.run(a.id, 'T', a.kind, a.owner, a.year, iso(0, 1)); })();
  let batch: ReturnType<typeof yearOfTransfers> extends Generator<infer X> ? X[] : never = [];
  const flush = raw.transaction((rows: typeof batch) => {
    for (const t of rows) {
      tr.run(t.id, t.key, t.kind, t.status, t.village, t.at);
      for (const [a, amount] of t.legs) leg.run(t.id, a, amount, t.status, t.at);
    }
  });
  for (const t of yearOfTransfers()) {
    batch.push(t); transfers++; legs += t.legs.length;
    if (batch.length === 20_000) { flush(batch); batch = []; }
  }
  flush(batch);
  raw.pragma('optimize');
  raw.exec('analyze');
  raw.close();
  return { transfers, legs };
}

/**
 * PostgreSQL: the same year of transfers as yearOfTransfers(), generated inside the server
 * (generate_series; streaming 21 million rows from Node took too long on this machine). The
 * ledger tables' indexes and constraints are dropped for the load and re-created after it (the
 * foreign keys NOT VALID: they are enforced for every later write, the measured ones included,
 * without re-checking 16 million seeded rows), then VACUUM ANALYZE.
 */
async function seedPostgres(url: string): Promise<{ transfers: number; legs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    await client.query(sql, params);
    log(`  postgres seed: ${what} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await client.query('set synchronous_commit = off');
  await client.query("set maintenance_work_mem = '512MB'");
  const tables = ['ledger_legs', 'ledger_transfers', 'ledger_accounts'];
  const cons = (await client.query<{ tbl: string; name: string; def: string; type: string }>(`
    select c.conrelid::regclass::text as tbl, c.conname as name, pg_get_constraintdef(c.oid) as def, c.contype as type
    from pg_constraint c where c.conrelid::regclass::text = any($1)`, [tables])).rows;
  const idx = (await client.query<{ name: string; def: string }>(`
    select indexname as name, indexdef as def from pg_indexes where tablename = any($1)
    and indexname not in (select conname from pg_constraint where conrelid::regclass::text = any($1))`, [tables])).rows;
  for (const c of cons.filter((x) => x.type === 'f')) await client.query(`alter table ${c.tbl} drop constraint ${c.name}`);
  for (const c of cons.filter((x) => x.type !== 'f')) await client.query(`alter table ${c.tbl} drop constraint ${c.name}`);
  for (const i of idx) await client.query(`drop index ${i.name}`);

  const V = VILLAGES; const H = HOUSEHOLDS;
  const hidSql = (i: string) => `'h' || lpad((${i})::text, 7, '0')`;
  const vidSql = (i: string) => `'v' || lpad(((${i}) % ${V})::text, 5, '0')`;
  const isoSql = (month: string, day: string) => `to_char(make_timestamp(${YEAR}, (${month}) + 1, ${day}, 2, 0, 0), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const at0 = iso(0, 1);
  await step('accounts', `insert into ledger_accounts (id, township_id, kind, owner_id, item_id, year, created_at)
    select 'village_points_pool|' || v || '||', 'T', 'village_points_pool', v, '', 0, $1 from (select ${vidSql('g')} as v from generate_series(0, ${V - 1}) g) x
    union all select 'village_standing_pool|' || v || '||${YEAR}', 'T', 'village_standing_pool', v, '', ${YEAR}, $1 from (select ${vidSql('g')} as v from generate_series(0, ${V - 1}) g) x
    union all select 'points_redeemed|' || v || '||', 'T', 'points_redeemed', v, '', 0, $1 from (select ${vidSql('g')} as v from generate_series(0, ${V - 1}) g) x
    union all select 'household_points|' || h || '||', 'T', 'household_points', h, '', 0, $1 from (select ${hidSql('g')} as h from generate_series(0, ${H - 1}) g) x
    union all select 'household_standing|' || h || '||${YEAR}', 'T', 'household_standing', h, '', ${YEAR}, $1 from (select ${hidSql('g')} as h from generate_series(0, ${H - 1}) g) x`, [at0]);
  if (accountKey(householdStanding('X', YEAR)) !== 'household_standing|X||2026' || accountKey(householdPoints('X')) !== 'household_points|X||') throw new Error('bench: account key format changed');
  // Monthly issues: i in households, m in 0..11; then the two redemptions (k = 0 posted, 1 pending).
  await step('issue transfers', `insert into ledger_transfers (id, idempotency_key, body_hash, kind, unit, status, township_id, village_id, memo, actor_id, at)
    select 't' || i || '-' || m, 'entry.issue:b' || i || '-' || m, 'bench', 'entry.issue', 'points', 'posted', 'T', ${vidSql('i')}, '', 'bench', ${isoSql('m', `5 + i % 20`)}
    from generate_series(0, ${H - 1}) i, generate_series(0, 11) m`);
  await step('redemption transfers', `insert into ledger_transfers (id, idempotency_key, body_hash, kind, unit, status, township_id, village_id, memo, actor_id, at)
    select 'r' || i || '-' || k, 'shop.reserve.points:b' || i || '-' || k, 'bench', 'shop.reserve', 'points', case when k = 0 then 'posted' else 'pending' end, 'T', ${vidSql('i')}, '', 'bench', ${isoSql('6 + k * 4', '20')}
    from generate_series(0, ${H - 1}) i, generate_series(0, 1) k`);
  await step('issue legs', `insert into ledger_legs (transfer_id, account_id, amount, status, at)
    select 't' || i || '-' || m, a.acc, a.sign * (3 + (i + m) % 8), 'posted', ${isoSql('m', `5 + i % 20`)}
    from generate_series(0, ${H - 1}) i, generate_series(0, 11) m,
    lateral (values ('household_points|' || ${hidSql('i')} || '||', 1), ('village_points_pool|' || ${vidSql('i')} || '||', -1),
                    ('household_standing|' || ${hidSql('i')} || '||${YEAR}', 1), ('village_standing_pool|' || ${vidSql('i')} || '||${YEAR}', -1)) a(acc, sign)`);
  await step('redemption legs', `insert into ledger_legs (transfer_id, account_id, amount, status, at)
    select 'r' || i || '-' || k, a.acc, a.amount, case when k = 0 then 'posted' else 'pending' end, ${isoSql('6 + k * 4', '20')}
    from generate_series(0, ${H - 1}) i, generate_series(0, 1) k,
    lateral (values ('household_points|' || ${hidSql('i')} || '||', -10), ('points_redeemed|' || ${vidSql('i')} || '||', 10)) a(acc, amount)`);
  for (const c of cons.filter((x) => x.type !== 'f')) await step(`constraint ${c.name}`, `alter table ${c.tbl} add constraint ${c.name} ${c.def}`);
  for (const i of idx) await step(`index ${i.name}`, i.def);
  for (const c of cons.filter((x) => x.type === 'f')) await step(`foreign key ${c.name}`, `alter table ${c.tbl} add constraint ${c.name} ${c.def} not valid`);
  // VACUUM as autovacuum would after such a load: sets the visibility map, so that the balance
  // read is an index-only scan of ledger_legs_account (without it every leg's heap page is read).
  await step('vacuum analyze', 'vacuum (analyze) ledger_accounts, ledger_transfers, ledger_legs');
  const counts = (await client.query<{ t: string; l: string }>('select (select count(*) from ledger_transfers) as t, (select count(*) from ledger_legs) as l')).rows[0];
  await client.end();
  return { transfers: Number(counts.t), legs: Number(counts.l) };
}

function benchTransfer(n: number, repeat: number, tag: string) {
  const i = (n * 7919 + repeat * 104_729) % HOUSEHOLDS; const h = hid(i); const v = vid(i);
  const at = iso(11, 1);
  const base = { idempotencyKey: `bench-${tag}:${repeat}:${n}`, unit: 'points' as const, townshipId: 'T', villageId: v, actorId: 'bench', at };
  // Alternately an issue (credits: no lock needed) and a reservation (debits a household's points: locked and checked).
  return n % 2 === 0
    ? { ...base, kind: 'entry.issue', legs: [{ account: householdPoints(h), amount: 5 }, { account: villagePointsPool(v), amount: -5 }, { account: householdStanding(h, YEAR), amount: 5 }, { account: villageStandingPool(v, YEAR), amount: -5 }] }
    : { ...base, kind: 'shop.reserve', status: 'pending' as const, legs: [{ account: householdPoints(h), amount: -1 }, { account: pointsRedeemed(v), amount: 1 }] };
}

async function measure(db: Db, repeat: number) {
  // One transfer per transaction (a hand-over): bound by the commit's fsync.
  const single = Math.max(20, Math.floor(POSTS / 4));
  let t0 = performance.now();
  for (let n = 0; n < single; n++) await writeTransaction(db, (trx) => postTransfer(trx, benchTransfer(n, repeat, 'single')));
  const singlePerSecond = single / ((performance.now() - t0) / 1000);
  // 100 transfers per transaction (a notice window settling 100 entries): the ledger's own cost.
  t0 = performance.now();
  for (let n = 0; n < POSTS; n += 100) {
    await writeTransaction(db, async (trx) => { for (let k = n; k < Math.min(POSTS, n + 100); k++) await postTransfer(trx, benchTransfer(k, repeat, 'batch')); });
  }
  const batchedPerSecond = POSTS / ((performance.now() - t0) / 1000);
  for (let n = 0; n < 100; n++) await balancesOf(db.db, householdPoints(hid(n))); // warm-up
  const reads: number[] = [];
  for (let n = 0; n < READS; n++) {
    const h = hid(Math.floor(Math.random() * HOUSEHOLDS));
    const s = performance.now();
    await balancesOf(db.db, householdPoints(h));
    reads.push(performance.now() - s);
  }
  return { singlePerSecond, batchedPerSecond, p50: quantile(reads, 0.5), p95: quantile(reads, 0.95), p99: quantile(reads, 0.99) };
}

function summary(xs: number[]) { const s = [...xs].sort((a, b) => a - b); return { min: r2(s[0]), median: r2(s[Math.floor(s.length / 2)]), max: r2(s[s.length - 1]) }; }

async function runOn(dialect: 'sqlite' | 'postgres') {
  let db: Db; let cleanup: () => Promise<void>;
  const t0 = performance.now();
  let seeded: { transfers: number; legs: number };
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-bench-ledger-'));
    const file = path.join(dir, 'ledger.sqlite');
    const m = openDatabase({ databaseUrl: null, sqlitePath: file });
    await migrateToLatest(m.db); await m.close();
    seeded = seedSqlite(file);
    db = openDatabase({ databaseUrl: null, sqlitePath: file });
    cleanup = async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); };
  } else {
    const name = `cx_bench_ledger_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL }); await admin.connect();
    await admin.query(`drop database if exists ${name}`); await admin.query(`create database ${name}`); await admin.end();
    const u = new URL(PG_ADMIN_URL); u.pathname = `/${name}`;
    db = openDatabase({ databaseUrl: u.toString(), sqlitePath: '' });
    await migrateToLatest(db.db);
    seeded = await seedPostgres(u.toString());
    cleanup = async () => {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL }); await a.connect(); await a.query(`drop database if exists ${name} with (force)`); await a.end();
    };
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  log(`${dialect}: seeded ${HOUSEHOLDS} households, ${seeded.transfers} transfers, ${seeded.legs} legs in ${seedSeconds.toFixed(1)} s`);
  const runs = [];
  for (let r = 0; r < REPEATS; r++) {
    const m = await measure(db, r);
    log(`${dialect} run ${r + 1}: ${m.singlePerSecond.toFixed(0)} transfers/s one per transaction, ${m.batchedPerSecond.toFixed(0)} transfers/s 100 per transaction; balance read p50 ${m.p50.toFixed(2)} ms, p95 ${m.p95.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms`);
    runs.push(m);
  }
  await cleanup();
  return {
    dialect, households: HOUSEHOLDS, transfers: seeded.transfers, legs: seeded.legs, seedSeconds: r2(seedSeconds), posts: POSTS, reads: READS,
    singlePerSecond: summary(runs.map((m) => m.singlePerSecond)), batchedPerSecond: summary(runs.map((m) => m.batchedPerSecond)), readP50Ms: summary(runs.map((m) => m.p50)),
    readP95Ms: summary(runs.map((m) => m.p95)), readP99Ms: summary(runs.map((m) => m.p99)),
    p95Met: runs.every((m) => m.p95 < TARGET_P95_MS),
  };
}

// BENCH_LEDGER_DIALECTS=postgres runs PostgreSQL only; BENCH_LEDGER_PG=1 runs both.
const dialects = (process.env.BENCH_LEDGER_DIALECTS ?? (process.env.BENCH_LEDGER_PG === '1' ? 'sqlite,postgres' : 'sqlite')).split(',') as ('sqlite' | 'postgres')[];
const results = [];
for (const d of dialects) results.push(await runOn(d));
console.log(JSON.stringify({ bench: 'ledger', targetP95Ms: TARGET_P95_MS, results }));
