// Query plans of the per-village, per-notice and per-household paths (issue 12 "Fast at Pingdu
// scale"), on SQLite: the app is run with a Kysely plugin that records every SELECT, UPDATE and
// DELETE it sends; each distinct statement is then explained (EXPLAIN QUERY PLAN, with its own
// parameters) and any full scan of a table that grows with the villages is a problem. Used by
// server/db/query-plans.test.ts (a small database) and scripts/query-plans.ts (a seeded one, e.g.
// Pingdu's): the same requests, the same check.
import { CompiledQuery, type Kysely, type KyselyPlugin } from 'kysely';
import type { Database } from './schema';

export interface CapturedQuery { sql: string; parameters: readonly unknown[]; during: string }

/** A Kysely that records what it sends (into `queries`, tagged with `label.current`). */
export function capturingDb(db: Kysely<Database>): { db: Kysely<Database>; queries: CapturedQuery[]; label: { current: string } } {
  const queries: CapturedQuery[] = [];
  const label = { current: '' };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      const kind = args.node.kind;
      if (kind === 'SelectQueryNode' || kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode') {
        const c = db.getExecutor().compileQuery(args.node, args.queryId);
        queries.push({ sql: c.sql, parameters: c.parameters, during: label.current });
      }
      return args.node;
    },
    async transformResult(args) { return args.result; },
  };
  return { db: db.withPlugin(plugin), queries, label };
}

/**
 * Tables small enough to read whole (a handful of rows per township, or catalogues). Anything else
 * — entries, events, households, persons, changes, notices, objections, tallies, photos, … — must
 * be searched through an index on these paths.
 */
export const SMALL_TABLES = new Set([
  'townships', 'villages', 'catalog_versions', 'indicators', 'users', 'user_villages', 'village_notice_settings',
  'scheduled_jobs', 'township_settings', 'tally_settings', 'periods',
]);

/**
 * Partial indexes that hold only a work list (rows still to do): reading one whole is a small
 * indexed step, however large the table grows.
 */
export const WORK_LIST_INDEXES = new Set(['tally_villages_figures_pending']);

export interface PlanProblem { during: string; sql: string; plan: string }
export interface CheckedPlan { during: string; sql: string; plan: string[] }

/** Explains every distinct statement; returns the plans and the full scans of big tables. */
export async function checkPlans(db: Kysely<Database>, queries: readonly CapturedQuery[]): Promise<{ plans: CheckedPlan[]; problems: PlanProblem[] }> {
  const seen = new Set<string>();
  const plans: CheckedPlan[] = [];
  const problems: PlanProblem[] = [];
  for (const q of queries) {
    if (seen.has(q.sql)) continue;
    seen.add(q.sql);
    const r = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    const plan = r.rows.map((row) => row.detail);
    plans.push({ during: q.during, sql: q.sql, plan });
    for (const line of plan) {
      const m = /^SCAN (\S+)(?: USING (?:COVERING )?INDEX (\S+))?/.exec(line);
      if (!m || m[1] === 'CONSTANT' || m[1].startsWith('(')) continue;
      if (m[2] && WORK_LIST_INDEXES.has(m[2])) continue;
      if (!SMALL_TABLES.has(m[1])) problems.push({ during: q.during, sql: q.sql, plan: plan.join(' | ') });
    }
  }
  return { plans, problems };
}

/** What the checked paths need to know of a database. */
export interface PlanIds { villageId: string; householdId: string; noticeId: string; entryId: string; objectionVillageId?: string }

export type PlanUser = 'committee' | 'township' | 'resident';

/** The requests whose queries are checked: every read of a village's, a notice's or a household's screen. */
export function planRequests(ids: PlanIds): { who: PlanUser; path: string }[] {
  const q = `/api/review/queue?villageId=${ids.villageId}`;
  return [
    { who: 'committee', path: q },
    { who: 'committee', path: `${q}&evidence=yes` },
    { who: 'committee', path: `${q}&evidence=no&sign=deduction` },
    { who: 'committee', path: `${q}&sign=positive&from=2026-01-01&to=2026-12-31` },
    { who: 'committee', path: `${q}&householdId=${ids.householdId}` },
    { who: 'committee', path: `${q}&indicator=B02` },
    { who: 'committee', path: `/api/review/entries/${ids.entryId}/history` },
    { who: 'committee', path: `/api/villages/${ids.villageId}/households` },
    { who: 'committee', path: `/api/villages/${ids.villageId}/notices` },
    { who: 'committee', path: `/api/villages/${ids.villageId}/notices/preview?days=7` },
    { who: 'committee', path: `/api/villages/${ids.objectionVillageId ?? ids.villageId}/objections` },
    { who: 'committee', path: `/api/villages/${ids.villageId}/boards` },
    { who: 'committee', path: `/api/notices/${ids.noticeId}` },
    { who: 'committee', path: `/api/households/${ids.householdId}` },
    { who: 'township', path: '/api/township/ranking' },
    { who: 'township', path: `/api/villages/${ids.villageId}/households` },
    { who: 'township', path: `/api/households/${ids.householdId}` },
    { who: 'township', path: '/api/township/anomalies' },
  ];
}
