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

async function seedPostgres(url: string): Promise<{ transfers: number; legs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let transfers = 0; let legs = 0;
  const accounts = accountsOf();
  for (let i = 0; i < accounts.length; i += 5000) {
    const part = accounts.slice(i, i + 5000);
    await client.query(`insert into ledger_accounts (id, township_id, kind, owner_id, item_id, year, created_at)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])`,
    [part.map((a) => a.id), part.map(() => 'T'), part.map((a) => a.kind), part.map((a) => a.owner), part.map(() => ''), part.map((a) => a.year), part.map(() => iso(0, 1))]);
  }
  let tb: string[][] = [[], [], [], [], [], []]; let lb: (string | number)[][] = [[], [], [], [], []];
  const flush = async () => {
    await client.query(`insert into ledger_transfers (id, idempotency_key, body_hash, kind, unit, status, township_id, village_id, memo, actor_id, at)
      select a, b, 'bench', c, 'points', d, 'T', e, '', 'bench', f from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as x(a, b, c, d, e, f)`, tb);
    await client.query(`insert into ledger_legs (transfer_id, account_id, amount, status, at) select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])`, lb);
    tb = [[], [], [], [], [], []]; lb = [[], [], [], [], []];
  };
  for (const t of yearOfTransfers()) {
    [t.id, t.key, t.kind, t.status, t.village, t.at].forEach((x, k) => tb[k].push(x));
    for (const [a, amount] of t.legs) [t.id, a, amount, t.status, t.at].forEach((x, k) => lb[k].push(x));
    transfers++; legs += t.legs.length;
    if (tb[0].length === 20_000) await flush();
  }
  if (tb[0].length) await flush();
  await client.query('analyze');
  await client.end();
  return { transfers, legs };
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

const results = [await runOn('sqlite')];
if (process.env.BENCH_LEDGER_PG === '1') results.push(await runOn('postgres'));
console.log(JSON.stringify({ bench: 'ledger', targetP95Ms: TARGET_P95_MS, results }));
