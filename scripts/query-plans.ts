// npm run plans -- <sqlite file>: the query-plan check of server/db/query-plans.test.ts on a seeded
// SQLite database (e.g. the Pingdu one of `npm run bench:tally`, with its statistics from the
// seed's ANALYZE): runs the committee's, the township's and the household's reads and the
// background jobs' queries of one village in-process, explains every distinct statement, prints
// the plans and exits 1 on a full scan of a growing table.
import crypto from 'node:crypto';
import path from 'node:path';
import { openDatabase } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { loadConfig } from '../server/config';
import { piiKeysFrom } from '../server/security/pii';
import { openSession } from '../server/auth/login';
import { sessionCookieName } from '../server/auth/session-token';
import { createApp } from '../server/app';
import type { Deps } from '../server/context';
import { capturingDb, checkPlans, planRequests } from '../server/db/query-plans';
import { anonymiseOldDeductions } from '../server/jobs/retention';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run plans -- <sqlite file>');
  const database = openDatabase({ databaseUrl: null, sqlitePath: path.resolve(file) });
  await migrateToLatest(database.db);
  const db = database.db;
  const township = await db.selectFrom('townships').select(['id', 'code']).orderBy('code').executeTakeFirstOrThrow();
  const village = await db.selectFrom('villages').select(['id', 'code']).where('township_id', '=', township.id).orderBy('code').executeTakeFirstOrThrow();
  const household = await db.selectFrom('households').select('id').where('village_id', '=', village.id).orderBy('id').executeTakeFirstOrThrow();
  const notice = await db.selectFrom('notices').select('id').where('village_id', '=', village.id).orderBy('starts_at', 'desc').executeTakeFirstOrThrow();
  const entry = await db.selectFrom('entries').select('id').where('village_id', '=', village.id).where('state', '=', 'submitted').limit(1).executeTakeFirst()
    ?? await db.selectFrom('entries').select('id').where('household_id', '=', household.id).limit(1).executeTakeFirstOrThrow();
  const user = (username: string) => db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const config = { ...loadConfig({ ...process.env, DATA_DIR: path.dirname(path.resolve(file)) }), logLevel: 'silent' as const };
  const cap = capturingDb(db);
  const deps: Deps = { db: cap.db, dialect: 'sqlite', config, pii: piiKeysFrom(crypto.randomBytes(32).toString('hex')), now: () => new Date() };
  const cookies = {
    committee: `${sessionCookieName(config)}=${await openSession({ ...deps, db }, (await user(`${village.code}-committee1`)).id)}`,
    township: `${sessionCookieName(config)}=${await openSession({ ...deps, db }, (await user(`${township.code}-township`)).id)}`,
    resident: '',
  };
  const app = createApp(deps);
  for (const r of planRequests({ villageId: village.id, householdId: household.id, noticeId: notice.id, entryId: entry.id })) {
    cap.label.current = `GET ${r.path}`;
    const t0 = performance.now();
    const res = await app.request(r.path, { headers: { cookie: cookies[r.who] } });
    await res.arrayBuffer();
    console.log(`${res.status} ${(performance.now() - t0).toFixed(1).padStart(7)} ms  ${r.path}`);
  }
  // The retention job's query (its batches are read through the partial index).
  cap.label.current = 'job anonymise-deductions';
  await anonymiseOldDeductions({ ...deps, now: () => new Date('2020-01-01T00:00:00Z') }, new Date('2020-01-01T00:00:00Z'));
  const { plans, problems } = await checkPlans(db, cap.queries);
  for (const p of plans) console.log(`\n${p.during}\n  ${p.sql.slice(0, 300)}${p.sql.length > 300 ? '…' : ''}\n  → ${p.plan.join(' | ')}`);
  console.log(`\n${plans.length} distinct statements explained; ${problems.length} full scans of growing tables`);
  for (const p of problems) console.log(`PROBLEM ${p.during}\n  ${p.sql}\n  → ${p.plan}`);
  await database.close();
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((err) => { console.error(err); process.exit(1); });
