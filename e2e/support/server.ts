// Starts the REAL server (`node --import tsx server/main.ts`) for one e2e test file:
// fresh temporary DATA_DIR (SQLite + generated key), a free port, NODE_ENV=test.
// The built client must already exist in dist/client (`npm run test:e2e` builds it first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** How long to wait for GET /api/auth/me to answer. */
  readyTimeoutMs?: number;
  /** Script to run, relative to the repository root (default server/main.ts). */
  entry?: string;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Everything the server process wrote to stdout/stderr so far (all runs). */
  output(): string;
  /**
   * SIGTERM, then wait for exit (SIGKILL after a grace period). Removes the DATA_DIR unless
   * `keepData` (for a later restart()) or E2E_KEEP_DATA=1.
   */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** Crash: SIGKILL and wait for exit. The DATA_DIR is kept. */
  kill9(): Promise<void>;
  /**
   * Start again on the same DATA_DIR and port (stops a running process first with SIGTERM).
   * `clockOffsetMs` runs the new process's clock ahead (e2e/support/clock-shift.ts), e.g. to see a
   * public-notice window end; `env` adds to the environment given at start.
   */
  restart(opts?: { clockOffsetMs?: number; env?: Record<string, string> }): Promise<void>;
}

export function assertClientBuilt(): void {
  const index = path.join(repoRoot, 'dist/client/index.html');
  if (!existsSync(index)) {
    throw new Error(
      `The client is not built: ${index} is missing. Run \`npm run test:e2e\` (it runs \`vite build\` first) ` +
        'or `npm run build` before `vitest run --project e2e`.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr && typeof addr === 'object') {
        const { port } = addr;
        srv.close(() => resolve(port));
      } else {
        srv.close(() => reject(new Error('no port')));
      }
    });
  });
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  assertClientBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cunxin-e2e-data-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  let log = '';
  let child: ChildProcess | null = null;

  const launch = async (run: { clockOffsetMs?: number; env?: Record<string, string> } = {}): Promise<void> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      ...opts.env,
      ...run.env,
    };
    // The e2e server always uses its own SQLite file unless a test asks otherwise.
    if (!opts.env?.DATABASE_URL && !run.env?.DATABASE_URL) delete env.DATABASE_URL;
    const args = ['--import', 'tsx'];
    delete env.E2E_CLOCK_OFFSET_MS;
    if (run.clockOffsetMs) {
      env.E2E_CLOCK_OFFSET_MS = String(run.clockOffsetMs);
      args.push('--import', './e2e/support/clock-shift.ts');
    }
    args.push(opts.entry ?? 'server/main.ts');
    const proc = spawn(process.execPath, args, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    log += `\n--- server start (pid ${proc.pid}, port ${port}, DATA_DIR ${dataDir}) ---\n`;
    proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    let exited = false;
    proc.once('exit', (code, signal) => {
      exited = true;
      log += `\n--- server exited (code ${code}, signal ${signal}) ---\n`;
    });

    const deadline = Date.now() + readyTimeoutMs;
    let lastError = '';
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`The server exited before it was ready.\nServer output:\n${log}`);
      }
      try {
        const res = await fetch(`${url}/api/auth/me`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 401) return;
        lastError = `GET /api/auth/me answered ${res.status}`;
      } catch (err) {
        lastError = String(err);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    proc.kill('SIGKILL');
    await waitExit(proc, 5000);
    throw new Error(
      `The server did not answer GET /api/auth/me within ${readyTimeoutMs} ms (last: ${lastError}).\nServer output:\n${log}`,
    );
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    if (!(await waitExit(proc, 10_000))) {
      log += '\n--- server did not exit within 10 s of ' + signal + '; sending SIGKILL ---\n';
      proc.kill('SIGKILL');
      await waitExit(proc, 5000);
    }
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    dataDir,
    output: () => log,
    async stop(stopOpts) {
      await terminate('SIGTERM');
      if (!stopOpts?.keepData && process.env.E2E_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
    },
    async kill9() {
      await terminate('SIGKILL');
    },
    async restart(run) {
      await terminate('SIGTERM');
      await launch(run);
    },
  };
}

// ---------- a tiny API client (cookie session) for checks made beside the browser ----------

/** GET /api/auth/me's user (docs/api.md). */
export interface Me {
  id: string;
  displayName: string;
  role: string;
  townshipId: string | null;
  householdId: string | null;
  villageIds: string[];
}

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
}

/**
 * fetch, tried a second time when the connection was reset before any answer. Node's fetch keeps
 * sockets alive; the server closes an idle one after its keep-alive timeout (5 s), and on a loaded
 * machine a request can be written on a socket at the moment it is closed (ECONNRESET, "other side
 * closed"). Such a request never reached a handler, so sending it again is safe.
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reset = cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET' || /other side closed/.test(cause?.message ?? '');
    if (!reset) throw err;
    return fetch(url, init);
  }
}

export class ApiClient {
  private cookie = '';
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, p: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchOnce(this.baseUrl + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const pair = c.split(';')[0];
      const name = pair.split('=')[0];
      const rest = this.cookie
        .split('; ')
        .filter((x) => x && x.split('=')[0] !== name);
      this.cookie = [...rest, pair].join('; ');
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed as T };
  }

  get<T = unknown>(p: string) {
    return this.request<T>('GET', p);
  }
  post<T = unknown>(p: string, body: unknown = {}) {
    return this.request<T>('POST', p, body);
  }

  /** Staff login; throws with the answer on failure. */
  async login(username: string, password: string): Promise<Me> {
    const r = await this.post<{ user: Me }>('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.user;
  }

  async residentLogin(phone: string, pin: string): Promise<Me> {
    const r = await this.post<{ user: Me }>('/api/auth/resident-login', { phone, pin });
    if (r.status !== 200) throw new Error(`resident login ${phone} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.user;
  }
}

/** GET that must answer 200; returns the body. */
export async function getOk<T>(api: ApiClient, p: string): Promise<T> {
  const r = await api.get<T>(p);
  if (r.status !== 200) throw new Error(`GET ${p} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
