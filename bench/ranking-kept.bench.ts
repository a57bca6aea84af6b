// node --import tsx bench/ranking-kept.bench.ts <sqlite file> — the township ranking on a seeded
// database (e.g. Pingdu's of bench:tally), in-process through the app (route, access rule, JSON),
// with the villages' kept figures (migration 0024) and, alternately in the same minutes, with every
// village's figures computed from its household tallies (what the ranking did before). Rebuilds the
// first township's villages first if the catch-up has not reached them. Prints p50/p95 of each
// of BENCH_RUNS requests per repeat, BENCH_REPEATS repeats, min / median / max, one JSON line.
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { writeTransaction } from '../server/db/transaction';
import { listVillagesByIds, listVillageIdsOfTownship } from '../server/repositories/villages';
import { countVillagesToRebuild, recomputeVillageTallies } from '../server/repositories/tallies';
import { townshipRanking } from '../server/routes/ranking/rates';
import { chinaToday, chinaYear } from '../server/routes/clock';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const r1 = (n: number) => Math.round(n * 10) / 10;

async function main() {
  const file = path.resolve(process.argv[2] ?? '');
  const database = openDatabase({ databaseUrl: null, sqlitePath: file });
  await migrateToLatest(database.db);
  const db = database.db;
  const township = await db.selectFrom('townships').select(['id', 'code', 'base_points']).orderBy('code').executeTakeFirstOrThrow();
  const villages = await listVillagesByIds(db, await listVillageIdsOfTownship(db, township.id));
  const ids = villages.map((v) => v.id);
  const pending = await countVillagesToRebuild(db, ids);
  if (pending > 0) {
    const t0 = performance.now();
    const todo = await db.selectFrom('villages').leftJoin('tally_rebuilt', 'tally_rebuilt.village_id', 'villages.id')
      .select('villages.id').where('villages.id', 'in', ids).where('tally_rebuilt.village_id', 'is', null).execute();
    for (const v of todo) await writeTransaction({ db, dialect: 'sqlite' }, (trx) => recomputeVillageTallies(trx, v.id, new Date().toISOString()));
    console.log(`rebuilt ${todo.length} villages of the township in ${r1((performance.now() - t0) / 1000)} s`);
  }
  const now = new Date();
  const input = { villages, year: chinaYear(now), base: Number(township.base_points), today: chinaToday(now), metric: 'participation' as const };
  const households = await db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).where('village_id', 'in', ids).executeTakeFirstOrThrow();
  console.log(`township ${township.code}: ${villages.length} villages, ${households.n} households; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const measure = async (kept: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = performance.now();
      const r = await townshipRanking(db, { ...input, keptFigures: kept });
      JSON.stringify({ rows: r.ranked, unranked: r.unranked });
      if (i >= 3) times.push(performance.now() - t0);
    }
    return { p50: r1(q(times, 0.5)), p95: r1(q(times, 0.95)) };
  };
  const fast = await townshipRanking(db, { ...input, keptFigures: true });
  const slow = await townshipRanking(db, { ...input, keptFigures: false });
  const same = JSON.stringify(fast.ranked) === JSON.stringify(slow.ranked) && JSON.stringify(fast.unranked) === JSON.stringify(slow.unranked);
  console.log(`kept figures give the same ranking as the household tallies: ${same}`);
  const res: { kept: { p50: number; p95: number }; computed: { p50: number; p95: number } }[] = [];
  for (let k = 0; k < REPEATS; k++) {
    const kept = await measure(true);
    const computed = await measure(false);
    res.push({ kept, computed });
    console.log(`repeat ${k + 1}: kept figures p50 ${kept.p50} ms p95 ${kept.p95} ms; computed from household tallies p50 ${computed.p50} ms p95 ${computed.p95} ms (load ${os.loadavg()[0].toFixed(1)})`);
  }
  const mm = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] }; };
  console.log(JSON.stringify({
    bench: 'ranking-kept', villages: villages.length, households: Number(households.n), same,
    kept_p50: mm(res.map((r) => r.kept.p50)), kept_p95: mm(res.map((r) => r.kept.p95)),
    computed_p50: mm(res.map((r) => r.computed.p50)), computed_p95: mm(res.map((r) => r.computed.p95)), load: os.loadavg()[0],
  }));
  await database.close();
}
main().catch((err) => { console.error(err); process.exit(1); });
