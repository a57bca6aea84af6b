// The tallies' background work. The catch-up (villages whose tallies were never rebuilt) runs in
// every process from start-up on, in small steps (each village under its tally lock, marked when
// rebuilt, so two processes never double a count); the frozen periods and the anomaly flags of
// every township are one round that the job runner (server/jobs/) runs once across processes.
import type { Deps } from '../context';
import { chinaToday } from '../routes/clock';
import { log } from '../ops/log';
import { startTallyCatchUp } from './catch-up';
import { closeEndedPeriods } from './period-job';
import { computeTownshipFlags } from './anomaly-job';

export const TALLY_ROUND_EVERY_MS = 15 * 60_000;

/** Frozen periods, then the anomaly flags of every township; returns how many townships it did. */
export async function runTallyRound(deps: Deps, now: Date): Promise<number> {
  const today = chinaToday(now);
  await closeEndedPeriods(deps, today, now.toISOString());
  const townships = await deps.db.selectFrom('townships').select('id').orderBy('id').execute();
  for (const t of townships) await computeTownshipFlags(deps, t.id, today, now.toISOString());
  return townships.length;
}

/** Starts the catch-up in the background; never awaited by start-up. */
export function startTallyBackground(deps: Deps): { stop(): void } {
  const catchUp = startTallyCatchUp(deps);
  void catchUp.done.then(
    (n) => { if (n) log().info({ villages: n }, `积分统计已重建 / tallies rebuilt for ${n} villages`); },
    (err) => log().error({ err }, '积分统计重建失败 / tally catch-up failed'),
  );
  return { stop: () => catchUp.stop() };
}
