// The benchmark's database and server. The database is seeded in this process, then the real
// application serves it from a process of its own (server-main.ts), as on a real machine: the
// simulated phones (this process) and the server do not share one JavaScript thread.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/config';
import { openDatabase, type Db } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { piiKeysFrom } from '../../server/security/pii';
import type { Deps } from '../../server/context';
import type { SyncExchange } from './server-main';

export type { SyncExchange };
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A migrated, empty SQLite database with the server's settings (WAL, synchronous = FULL). */
export async function openBenchDatabase(dir: string): Promise<Db> {
  const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(dir, 'cunxin.sqlite') });
  await migrateToLatest(database.db);
  return database;
}

export interface BenchData {
  dir: string;
  piiKey: string;
  database: Db;
  deps: Deps;
}

/** A fresh data directory with a migrated database and Deps to seed it with. */
export async function createBenchData(prefix: string): Promise<BenchData> {
  const dir = tempDir(prefix);
  const piiKey = crypto.randomBytes(32).toString('hex');
  const database = await openBenchDatabase(dir);
  const deps: Deps = {
    db: database.db, dialect: database.dialect, config: loadConfig({ DATA_DIR: dir }),
    pii: piiKeysFrom(piiKey), now: () => new Date(),
  };
  return { dir, piiKey, database, deps };
}

export interface BenchServer {
  url: string;
  /** POST /api/sync answers measured by the server process since the last call; clears them. */
  takeExchanges(): Promise<SyncExchange[]>;
  /** CPU time the server process has used so far (user + system), in milliseconds. */
  cpuMs(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export async function startBenchServer(data: BenchData, opts: { distDir: string; env?: Record<string, string> }): Promise<BenchServer> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(REPO_ROOT, 'bench/support/server-main.ts'), opts.distDir], {
    cwd: REPO_ROOT,
    // Simulated phones push as fast as the server answers: the per-user sync budget is lifted.
    env: { SYNC_RATE_PER_MINUTE: '1000000', ...process.env, ...opts.env, DATA_DIR: data.dir, PII_KEY: data.piiKey, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code}):\n${out}`)));
    setTimeout(() => reject(new Error(`bench server did not start:\n${out}`)), 60_000).unref();
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async takeExchanges() {
      const res = await fetch(`${url}/__bench/exchanges`, { method: 'DELETE' });
      return (await res.json()) as SyncExchange[];
    },
    async cpuMs() {
      const res = await fetch(`${url}/__bench/cpu`);
      return ((await res.json()) as { ms: number }).ms;
    },
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Logs in through POST /api/auth/login and returns the session cookie ("name=value"). */
export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'));
  if (!cookie) throw new Error(`login of ${username} set no session cookie`);
  return cookie;
}
