// The demo data a fresh install starts with (server/main.ts calls seedDemoIfEmpty at boot):
// one township, four villages with realistic rosters, the default catalogue, four months of
// entries in every state, and one login per role. Same data on every run (seeded generator);
// only the ID-number ciphertexts differ, because AES-GCM takes a random IV.
import { seedConsents } from './consents';
import { sql } from 'kysely';
import type { Deps } from '../context';
import type { Role } from '../../shared/domain/roles';
import { hashSecret } from '../auth/password';
import { protectIdNumber } from '../security/pii';
import { kyselyWriter, writeTownship, writeVillage } from './bulk';
import { DEFAULT_AREA_CODE, generateTownship, generateVillage } from './generate';
import { DAY, DEMO_ANCHOR_DAY, addDays, chinaMs, resolveAnchor } from './timeline';
import { makeUser, scopeRows, staffRng, type SeededUser } from './users';
import type { VillageRows } from './rows';

export interface DemoLogin {
  role: Role;
  username?: string;
  phone?: string;
  password?: string;
  pin?: string;
  note: string;
}

export const DEMO_SEED = 20261128;
export const DEMO_TOWNSHIP_CODE = `${DEFAULT_AREA_CODE}199`;
export const DEMO_TOWNSHIP_NAME = '青岚镇';
export const DEMO_RESIDENT_PHONE = '13800000001';

const PASSWORDS = { admin: 'cunxin-admin', township: 'cunxin-town', committee: 'cunxin-review', collector: 'cunxin-collect' } as const;
const RESIDENT_PIN = '123456';

/** Invented villages of 平度市 青岚镇; households 50–200, about seven entries per household in four months. */
const VILLAGES = [
  { name: '东河村', households: 186 },
  { name: '王家疃村', households: 142 },
  { name: '后岭村', households: 97 },
  { name: '西泊村', households: 63 },
] as const;

interface StaffPlan { username: string; displayName: string; role: Role; password: string; villages: number[]; note: string }

/** Accounts in a fixed order (their ids come from one seeded stream). Villages are 0-based. */
const STAFF: readonly StaffPlan[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', password: PASSWORDS.admin, villages: [0, 1, 2, 3], note: 'admin, all villages' },
  { username: 'township', displayName: '刘晓敏', role: 'township', password: PASSWORDS.township, villages: [0, 1, 2, 3], note: `township staff of ${DEMO_TOWNSHIP_NAME}` },
  { username: 'committee1', displayName: '王建华', role: 'committee', password: PASSWORDS.committee, villages: [0], note: `committee member of ${VILLAGES[0].name}` },
  { username: 'committee2', displayName: '李秀兰', role: 'committee', password: PASSWORDS.committee, villages: [0], note: `second committee member of ${VILLAGES[0].name} (deductions need two approvers)` },
  { username: 'collector1', displayName: '孙志强', role: 'collector', password: PASSWORDS.collector, villages: [0, 1], note: `collector of ${VILLAGES[0].name} and ${VILLAGES[1].name}` },
  { username: 'collector2', displayName: '于海燕', role: 'collector', password: PASSWORDS.collector, villages: [2, 3], note: `collector of ${VILLAGES[2].name} and ${VILLAGES[3].name}` },
  { username: 'committee3', displayName: '赵德福', role: 'committee', password: PASSWORDS.committee, villages: [1], note: `committee member of ${VILLAGES[1].name}` },
  { username: 'committee4', displayName: '姜玉梅', role: 'committee', password: PASSWORDS.committee, villages: [1], note: `committee member of ${VILLAGES[1].name}` },
  { username: 'committee5', displayName: '宋立新', role: 'committee', password: PASSWORDS.committee, villages: [2], note: `committee member of ${VILLAGES[2].name}` },
  { username: 'committee6', displayName: '崔桂英', role: 'committee', password: PASSWORDS.committee, villages: [2], note: `committee member of ${VILLAGES[2].name}` },
  { username: 'committee7', displayName: '高振东', role: 'committee', password: PASSWORDS.committee, villages: [3], note: `committee member of ${VILLAGES[3].name}` },
  { username: 'committee8', displayName: '董春梅', role: 'committee', password: PASSWORDS.committee, villages: [3], note: `committee member of ${VILLAGES[3].name}` },
];

/** Who records and who reviews in each village (by username). */
const VILLAGE_STAFF: readonly { collectors: string[]; committee: string[] }[] = [
  { collectors: ['collector1'], committee: ['committee1', 'committee2'] },
  { collectors: ['collector1'], committee: ['committee3', 'committee4'] },
  { collectors: ['collector2'], committee: ['committee5', 'committee6'] },
  { collectors: ['collector2'], committee: ['committee7', 'committee8'] },
];

/** The logins main.ts prints; staff first, then the resident. */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  ...STAFF.map((s) => ({ role: s.role, username: s.username, password: s.password, note: s.note })),
  { role: 'resident', phone: DEMO_RESIDENT_PHONE, pin: RESIDENT_PIN, note: `resident, household 0001 of ${VILLAGES[0].name}` },
];

/**
 * Seeds the demo if the database has no township yet; otherwise does nothing. `logins` lists the
 * demo accounts when the demo township is (now) in the database, and is empty for other data.
 * One transaction: a failure leaves the database empty, and on PostgreSQL a lock makes two
 * servers starting at once seed only once.
 */
export async function seedDemoIfEmpty(deps: Deps): Promise<{ created: boolean; logins: DemoLogin[] }> {
  const present = async () => {
    const t = await deps.db.selectFrom('townships').select('code').limit(1).executeTakeFirst();
    return t ? { created: false, logins: t.code === DEMO_TOWNSHIP_CODE ? [...DEMO_LOGINS] : [] } : null;
  };
  const before = await present();
  if (before) return before;

  // argon2 is slow on purpose: hash each distinct secret once, outside the transaction.
  const secrets = [...new Set([...Object.values(PASSWORDS), RESIDENT_PIN])];
  const hashed = new Map(await Promise.all(secrets.map(async (s) => [s, await hashSecret(s)] as const)));
  const hashOf = (s: string) => hashed.get(s) ?? null;

  const created = await deps.db.transaction().execute(async (trx) => {
    if (deps.dialect === 'postgres') await sql`lock table townships in share row exclusive mode`.execute(trx);
    if (await trx.selectFrom('townships').select('id').limit(1).executeTakeFirst()) return false;

    const { anchorMs, shiftDays } = resolveAnchor(DEMO_ANCHOR_DAY, deps.now());
    const day = (d: string) => addDays(d, shiftDays);
    const rosterMs = chinaMs(day('2026-07-10'), 9);
    const township = generateTownship({
      seed: DEMO_SEED, index: 0, code: DEMO_TOWNSHIP_CODE, name: DEMO_TOWNSHIP_NAME,
      createdMs: chinaMs(day('2025-12-20'), 9), catalogEffectiveFrom: day('2026-01-01'), noticeDays: 7,
    });
    const rng = staffRng(DEMO_SEED, 0);
    const staff = new Map<string, SeededUser>();
    for (const s of STAFF) {
      staff.set(s.username, makeUser(rng, rosterMs, {
        username: s.username, displayName: s.displayName, role: s.role, townshipId: township.township.id,
        passwordHash: hashOf(s.password),
      }));
    }
    const member = (username: string) => staff.get(username)!.member;
    const issuedIds = new Set<string>();
    const deviceSeqs = new Map<string, number>();
    const villages: VillageRows[] = VILLAGES.map((v, i) => generateVillage({
      seed: DEMO_SEED, index: i, townshipId: township.township.id, catalogVersionId: township.catalogVersion.id,
      code: `${DEMO_TOWNSHIP_CODE}${String(201 + i)}`, name: v.name, households: v.households, entries: v.households * 7,
      rosterMs, from: day('2026-08-01'), anchorMs, noticeDays: 7,
      collectors: VILLAGE_STAFF[i].collectors.map(member), committee: VILLAGE_STAFF[i].committee.map(member),
      idShare: 1, protectId: (id) => protectIdNumber(deps.pii, id), issuedIds, deviceSeqs,
      fixedPhones: i === 0 ? new Map([[0, DEMO_RESIDENT_PHONE]]) : undefined,
    }));
    for (const s of STAFF) {
      const u = staff.get(s.username)!;
      u.scope = scopeRows([u], s.villages.map((i) => villages[i].village.id));
    }
    const home = villages[0].households[0];
    const resident = makeUser(rng, rosterMs + DAY, {
      username: null, displayName: home.head_name, role: 'resident', townshipId: township.township.id,
      householdId: home.id, phone: DEMO_RESIDENT_PHONE, pinHash: hashOf(RESIDENT_PIN), villageIds: [villages[0].village.id],
    });

    const w = kyselyWriter(trx, deps.dialect);
    await writeTownship(w, township);
    for (const v of villages) await writeVillage(w, v);
    const users = [...staff.values(), resident];
    await w.write('users', users.map((u) => u.row));
    await w.write('user_villages', users.flatMap((u) => u.scope));
    await seedConsents(trx, villages.map((v) => v.village.id), new Date(rosterMs + DAY).toISOString());
    return true;
  });
  return created ? { created: true, logins: [...DEMO_LOGINS] } : ((await present()) ?? { created: false, logins: [] });
}
