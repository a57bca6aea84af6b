// The background settler of main.ts. Start-up never waits for it: the first tick runs shortly after
// the server listens, each tick settles a bounded batch of due notices (one per transaction), and a
// tick that found a full batch schedules the next one at once, so a backlog of ended windows (a
// week of them on a Pingdu database) drains in small steps while requests are answered.
import type { TransactionDeps } from '../../db/transaction';
import { settleDue, type SettleResult } from './settle';

export interface SettleTimerOptions {
  /** Pause between ticks when nothing is waiting. */
  everyMs: number;
  /** Notices per tick. */
  batch: number;
  /** Delay of the first tick after start. */
  firstDelayMs?: number;
  now?: () => Date;
  onTick?: (r: SettleResult) => void;
  onError?: (err: unknown) => void;
}

export function startSettleTimer(deps: TransactionDeps, opts: SettleTimerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => { running = tick(); }, ms);
    timer.unref();
  };
  const tick = async () => {
    let more = false;
    try {
      const r = await settleDue(deps, (opts.now ?? (() => new Date()))(), { limit: opts.batch });
      opts.onTick?.(r);
      more = r.more;
    } catch (err) {
      opts.onError?.(err);
    }
    // A full batch: more may be due, go on after letting waiting requests run.
    schedule(more ? 10 : opts.everyMs);
  };
  schedule(opts.firstDelayMs ?? 1000);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
