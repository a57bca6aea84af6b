// Real server processes for tests: start `node --import tsx <entry>` on a free port, wait until it
// says it listens, and kill it (SIGKILL for crash tests). `--import tsx` keeps it ONE process, so a
// signal reaches the server itself and not a wrapper.
//
//   const port = await freePort();
//   const proc = await startServerProcess({ port, env: { DATA_DIR: dir } });
//   … fetch(`${proc.url}/api/…`) …
//   await proc.kill('SIGKILL');
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_MAIN = path.join(REPO_ROOT, 'server', 'main.ts');

/** What server/main.ts prints once it listens. */
export const READY_PATTERN = /is running/;

/** A port nobody listens on right now (the kernel's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Sends the signal and waits for the exit. A process that already exited is left alone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** Entry file; server/main.ts by default. */
  entry?: string;
  /** Added to the environment (PORT and HOST are set from `port`). */
  env?: Record<string, string | undefined>;
  readyPattern?: RegExp;
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test worker itself goes away, its servers must not outlive it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** A server process just spawned: `ready` settles once it printed `readyPattern` (or exited first). */
export interface SpawnedServer {
  proc: ServerProcess;
  ready: Promise<void>;
  /** Resolves when the output matches `pattern` (never, if it never does). */
  printed(pattern: RegExp): Promise<void>;
}

/** Spawns a server process without waiting for it (to kill it while it starts, for instance). */
export function spawnServerProcess(opts: StartOptions): SpawnedServer {
  installExitHook();
  const entry = opts.entry ?? SERVER_MAIN;
  const readyPattern = opts.readyPattern ?? READY_PATTERN;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  // Simulated phones push far faster than real ones: the per-user sync budget and the heavy-request
  // gate are lifted unless a test sets them itself.
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'test', SYNC_RATE_PER_MINUTE: '1000000', HEAVY_CONCURRENCY: '1000',
    ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1',
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  // SERVER_NODE_ARGS: extra node flags for the server only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`
  // to profile it under a benchmark; NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (let i = watchers.length - 1; i >= 0; i--) {
      if (watchers[i].pattern.test(out)) watchers.splice(i, 1)[0].resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const printed = (pattern: RegExp) => new Promise<void>((resolve) => {
    if (pattern.test(out)) resolve();
    else watchers.push({ pattern, resolve });
  });

  const ready = new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    void printed(readyPattern).then(() => finish());
    child.on('error', (err) => finish(err));
    void exited.then(({ code, signal }) => finish(new Error(`server exited before it was ready (code ${code}, signal ${signal}):\n${out}`)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`server not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
  });
  ready.catch(() => {}); // a caller that kills it early need not wait for it

  const proc: ServerProcess = {
    pid: child.pid!,
    port: opts.port,
    url: `http://127.0.0.1:${opts.port}`,
    exited,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return { proc, ready, printed };
}

/** Starts a server process and resolves once it printed `readyPattern`; rejects with its output if it exits first. */
export async function startServerProcess(opts: StartOptions): Promise<ServerProcess> {
  const spawned = spawnServerProcess(opts);
  await spawned.ready;
  return spawned.proc;
}
