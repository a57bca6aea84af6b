// A second (third, …) server process for the settlement tests: opens the database of DATABASE_URL
// the way main.ts does and settles due notices in batches, as the settlement job does
// (settleDue, one notice per transaction), until none is left; then prints what it settled as
// one JSON line and exits.
import { loadConfig } from '../config';
import { openServerDeps } from '../boot';
import { settleDue } from '../routes/notices/settle';
import { listDueNotices } from '../repositories/notices';

async function main(): Promise<void> {
  const opened = await openServerDeps(loadConfig());
  const { deps } = opened;
  const batch = Number(process.env.SETTLE_BATCH ?? 5);
  let notices = 0;
  let entries = 0;
  console.log('settle worker is running');
  for (;;) {
    const r = await settleDue(deps, new Date(), { limit: batch });
    notices += r.notices;
    entries += r.entries;
    if (!r.more && (await listDueNotices(deps.db, new Date().toISOString(), { limit: 1 })).length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(JSON.stringify({ pid: process.pid, notices, entries }));
  await opened.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
