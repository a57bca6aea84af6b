// One large village for the sync bootstrap benchmark (a new phone pulling a whole village):
// by default product.md's "large" village, 500 households and 20,000 entries, in a township of
// its own so it can sit next to other data. Built with the same generator as every other seed.
import { seedConsents } from './consents';
import type { Deps } from '../context';
import { hashSecret } from '../auth/password';
import { protectIdNumber } from '../security/pii';
import { kyselyWriter, writeTownship, writeVillage } from './bulk';
import { generateTownship, generateVillage } from './generate';
import { DAY, DEMO_ANCHOR_DAY, addDays, chinaMs, resolveAnchor } from './timeline';
import { makeUser, scopeRows, staffName, staffRng } from './users';

export interface BenchVillageOptions {
  households?: number;
  entries?: number;
  /** Different seeds give different, coexisting benchmark villages. */
  seed?: number;
}

export interface BenchLogin { userId: string; username: string; password: string }

export interface BenchVillage {
  townshipId: string;
  villageId: string;
  catalogVersionId: string;
  /** Scopes a phone of this village syncs, with the cursor a finished pull must reach. */
  scopes: { scope: string; seq: number }[];
  counts: { households: number; persons: number; entries: number; events: number; changes: number };
  collector: BenchLogin;
  committee: BenchLogin[];
}

export const BENCH_PASSWORD = 'cunxin-bench';

export async function seedVillageForBench(deps: Deps, opts: BenchVillageOptions = {}): Promise<BenchVillage> {
  const seed = opts.seed ?? 7;
  const households = opts.households ?? 500;
  const entries = opts.entries ?? 20_000;
  const prefix = `bench${seed}`;
  const passwordHash = await hashSecret(BENCH_PASSWORD);
  const { anchorMs, shiftDays } = resolveAnchor(DEMO_ANCHOR_DAY, deps.now());
  const from = addDays('2026-01-01', shiftDays);
  const rosterMs = chinaMs(from, 9) - 20 * DAY;

  const township = generateTownship({
    seed, index: 0, code: `${prefix}-township`, name: `基准测试镇${seed}`, createdMs: rosterMs - DAY,
    catalogEffectiveFrom: from, noticeDays: 7,
  });
  const rng = staffRng(seed, 1);
  const mk = (suffix: string, role: 'collector' | 'committee') => makeUser(rng, rosterMs, {
    username: `${prefix}-${suffix}`, displayName: staffName(rng), role, townshipId: township.township.id, passwordHash,
  });
  const users = [mk('collector', 'collector'), mk('committee1', 'committee'), mk('committee2', 'committee')];
  const village = generateVillage({
    seed, index: 0, townshipId: township.township.id, catalogVersionId: township.catalogVersion.id,
    code: `${prefix}-village`, households, entries, rosterMs, from, anchorMs, noticeDays: 7,
    collectors: [users[0].member], committee: [users[1].member, users[2].member],
    idShare: 0.1, protectId: (id) => protectIdNumber(deps.pii, id), issuedIds: new Set(), deviceSeqs: new Map(),
  });
  for (const u of users) u.scope = scopeRows([u], [village.village.id]);

  await deps.db.transaction().execute(async (trx) => {
    const w = kyselyWriter(trx, deps.dialect);
    await writeTownship(w, township);
    await writeVillage(w, village);
    await w.write('users', users.map((u) => u.row));
    await w.write('user_villages', users.flatMap((u) => u.scope));
    await seedConsents(trx, [village.village.id], new Date(rosterMs).toISOString());
  });

  const login = (i: number): BenchLogin => ({ userId: users[i].row.id, username: users[i].row.username!, password: BENCH_PASSWORD });
  return {
    townshipId: township.township.id,
    villageId: village.village.id,
    catalogVersionId: township.catalogVersion.id,
    scopes: [
      { scope: `village:${village.village.id}`, seq: village.village.change_seq },
      { scope: `township:${township.township.id}`, seq: township.township.change_seq },
    ],
    counts: {
      households: village.households.length, persons: village.persons.length, entries: village.entries.length,
      events: village.events.length, changes: village.changes.length + township.changes.length,
    },
    collector: login(0),
    committee: [login(1), login(2)],
  };
}
