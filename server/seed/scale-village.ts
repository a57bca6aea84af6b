// What the scale seed writes per township and per village, as a pure function of a small,
// serialisable context, so the same code runs in the main thread or in the generator's worker.
import { piiKeysFrom, protectIdNumber } from '../security/pii';
import { DEFAULT_AREA_CODE, generateTownship, generateVillage } from './generate';
import type { TablePart } from './encode';
import { createRng } from './random';
import { townshipName } from './names';
import { DAY } from './timeline';
import { makeUser, scopeRows, staffName, staffRng, type SeededUser } from './users';
import type { TownshipRows } from './rows';

export interface ScaleContext {
  seed: number;
  villages: number;
  /** Households per village. */
  households: number;
  /** Entries per village. */
  entries: number;
  villagesPerTownship: number;
  rosterMs: number;
  from: string;
  anchorMs: number;
  idShare: number;
  /** argon2id hash of the one seed password, computed once. */
  passwordHash: string;
  /** PII master key (hex), to seal the sampled ID numbers. */
  piiKeyHex: string;
}

export interface TownshipPlan { rows: TownshipRows; user: SeededUser }

/** Townships of ~110 villages (Pingdu: 1,788 villages in 17 towns and streets). */
export function planTownships(ctx: ScaleContext): TownshipPlan[] {
  const plan: TownshipPlan[] = [];
  for (let t = 0; t < Math.ceil(ctx.villages / ctx.villagesPerTownship); t++) {
    const code = `${DEFAULT_AREA_CODE}${String(101 + t).padStart(3, '0')}`;
    const rows = generateTownship({
      seed: ctx.seed, index: t, code, name: townshipName(createRng(ctx.seed, 99, t)), createdMs: ctx.rosterMs - 30 * DAY,
      catalogEffectiveFrom: ctx.from, noticeDays: 7,
    });
    const rng = staffRng(ctx.seed, 1_000_000 + t);
    const user = makeUser(rng, ctx.rosterMs, {
      username: `${code}-township`, displayName: staffName(rng), role: 'township', townshipId: rows.township.id,
      passwordHash: ctx.passwordHash,
    });
    plan.push({ rows, user });
  }
  return plan;
}

export interface ScaleVillage {
  index: number;
  townshipIndex: number;
  villageId: string;
  counts: { households: number; persons: number; entries: number; events: number; users: number };
  /** In foreign-key order; the worker encodes them before handing them over. */
  parts: TablePart[];
}

/**
 * Returns a function that builds village g (global index) with its three accounts
 * (`<code>-collector`, `<code>-committee1`, `<code>-committee2`).
 * Stateful only in the set of issued ID numbers, so call it once per village, in any order.
 */
export function scaleVillageBuilder(ctx: ScaleContext): (g: number) => ScaleVillage {
  const plan = planTownships(ctx);
  const keys = piiKeysFrom(ctx.piiKeyHex);
  const issuedIds = new Set<string>();
  return (g) => {
    const townshipIndex = Math.floor(g / ctx.villagesPerTownship);
    const t = plan[townshipIndex].rows;
    const code = `${t.township.code}${String((g % ctx.villagesPerTownship) + 1).padStart(3, '0')}`;
    const rng = staffRng(ctx.seed, g + 1);
    const mk = (suffix: string, role: 'collector' | 'committee') =>
      makeUser(rng, ctx.rosterMs, { username: `${code}-${suffix}`, displayName: staffName(rng), role, townshipId: t.township.id, passwordHash: ctx.passwordHash });
    const users = [mk('collector', 'collector'), mk('committee1', 'committee'), mk('committee2', 'committee')];
    const v = generateVillage({
      seed: ctx.seed, index: g, townshipId: t.township.id, catalogVersionId: t.catalogVersion.id, code,
      households: ctx.households, entries: ctx.entries, rosterMs: ctx.rosterMs, from: ctx.from, anchorMs: ctx.anchorMs,
      noticeDays: 7, collectors: [users[0].member], committee: [users[1].member, users[2].member],
      idShare: ctx.idShare, protectId: (id) => protectIdNumber(keys, id), issuedIds, deviceSeqs: new Map(),
    });
    return {
      index: g,
      townshipIndex,
      villageId: v.village.id,
      counts: { households: v.households.length, persons: v.persons.length, entries: v.entries.length, events: v.events.length, users: users.length },
      parts: [
        { table: 'villages', rows: [v.village] },
        { table: 'households', rows: v.households },
        { table: 'persons', rows: v.persons },
        { table: 'notices', rows: v.notices },
        { table: 'entries', rows: v.entries },
        { table: 'entry_events', rows: v.events },
        { table: 'changes', rows: v.changes },
        { table: 'users', rows: users.map((u) => u.row) },
        { table: 'user_villages', rows: scopeRows(users, [v.village.id]) },
      ],
    };
  };
}
