// A second (third, …) server process for the settlement tests: opens the database of DATABASE_URL
// the way main.ts does and runs the same background settler (settle-timer.ts) until no due notice
// is left, then prints what it settled as one JSON line and exits.
import { loadConfig } from '../config';
import { openServerDeps } from '../boot';
import { startSettleTimer } from '../routes/notices/settle-timer';
import { listDueNotices } from '../repositories/notices';

async function main(): Promise<void> {
  const opened = await openServerDeps(loadConfig());
  const { deps } = opened;
  const batch = Number(process.env.SETTLE_BATCH ?? 5);
  let notices = 0;
  let entries = 0;
  console.log('settle worker is running');
  const settler = startSettleTimer(deps, {
    everyMs: 20, batch, firstDelayMs: Number(process.env.SETTLE_FIRST_DELAY_MS ?? 0),
    onTick: (r) => { notices += r.notices; entries += r.entries; },
    onError: (err) => console.error(err),
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    if ((await listDueNotices(deps.db, new Date().toISOString(), { limit: 1 })).length === 0) break;
  }
  await settler.stop();
  console.log(JSON.stringify({ pid: process.pid, notices, entries }));
  await opened.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
