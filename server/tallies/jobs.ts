// The tallies' background work for a server process (main.ts starts it once it listens): first
// the catch-up (villages never rebuilt), then every TALLY_JOBS_EVERY_MS the frozen periods and the
// anomaly flags of every township. Errors are logged; the next round tries again.
import type { Deps } from '../context';
import { chinaToday } from '../routes/clock';
import { startTallyCatchUp, type CatchUpHandle } from './catch-up';
import { closeEndedPeriods } from './period-job';
import { computeTownshipFlags } from './anomaly-job';

const TALLY_JOBS_EVERY_MS = 15 * 60_000;

export function startTallyJobs(deps: Deps): { stop(): void } {
  let stopped = false;
  let catchUp: CatchUpHandle | null = startTallyCatchUp(deps);
  let timer: NodeJS.Timeout | null = null;
  const round = async () => {
    if (stopped) return;
    const now = deps.now();
    const today = chinaToday(now);
    await closeEndedPeriods(deps, today, now.toISOString());
    const townships = await deps.db.selectFrom('townships').select('id').orderBy('id').execute();
    for (const t of townships) {
      if (stopped) return;
      await computeTownshipFlags(deps, t.id, today, now.toISOString());
    }
  };
  const safeRound = () => round().catch((err) => console.error('统计后台任务失败 / tally jobs failed', err));
  void catchUp.done.then((n) => {
    if (n) console.log(`积分统计已重建 / tallies rebuilt for ${n} villages`);
    catchUp = null;
    if (stopped) return;
    void safeRound();
    timer = setInterval(safeRound, TALLY_JOBS_EVERY_MS);
    timer.unref();
  }, (err) => console.error('积分统计重建失败 / tally catch-up failed', err));
  return {
    stop() {
      stopped = true;
      catchUp?.stop();
      if (timer) clearInterval(timer);
    },
  };
}
