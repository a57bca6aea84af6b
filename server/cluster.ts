// `npm run start:cluster`: several server processes on one machine (node:cluster), all listening
// on PORT; the kernel spreads connections over them. Every process is a full server/main.ts:
// stateless apart from the database (sessions, login throttles and job leases are tables), so the
// same works with plain processes on several ports behind nginx (docs/scale-out.md).
//
// WORKERS=<n> (default: the number of CPUs, at least 2). Needs DATABASE_URL (PostgreSQL): several
// processes writing one SQLite file would queue on its one write lock. A worker that dies is
// replaced; SIGTERM / SIGINT stop every worker cleanly (each finishes its requests in flight).
import cluster from 'node:cluster';
import os from 'node:os';

const MAIN = new URL('./main.ts', import.meta.url).href;

function primary(): void {
  const workers = Math.max(2, Number(process.env.WORKERS ?? os.availableParallelism()));
  if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')) {
    console.error('start:cluster 需要 PostgreSQL（DATABASE_URL=postgres://…） / start:cluster needs DATABASE_URL=postgres://…');
    process.exit(1);
  }
  let stopping = false;
  const fork = () => cluster.fork();
  // The first worker migrates and seeds alone; the others start once it listens (they would wait
  // on the migration lock anyway, but this keeps the demo logins printed once).
  const first = fork();
  first.once('listening', () => {
    for (let i = 1; i < workers; i++) fork();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`进程 ${worker.process.pid} 退出 (${signal ?? code})，正在重启 / worker exited, restarting`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (cluster.isPrimary) primary();
else await import(MAIN);
