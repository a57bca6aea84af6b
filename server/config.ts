// Environment, parsed once at boot. Everything configurable lives here.
import { z } from 'zod';
import path from 'node:path';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('0.0.0.0'),
  /** postgres://… selects PostgreSQL; empty means the embedded SQLite file. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('data'),
  /** 64 hex chars; when absent a key is generated once into PII_KEY_FILE (server/security/key-file.ts). */
  PII_KEY: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
  /** Cookies get the __Host- prefix and Secure flag; off for plain-http local use. */
  COOKIE_SECURE: z.enum(['0', '1']).optional(),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A resident's session ends after this many minutes without a request (shared phones; staff: SESSION_DAYS). */
  RESIDENT_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(20),
  NODE_ENV: z.string().default('development'),
  /** SQLite: pushed batches are written on a thread of their own (server/sync/writer/); 0 turns it off. */
  SYNC_WRITER_THREAD: z.enum(['0', '1']).default('1'),
  /** How often ended public-notice windows are settled (server/jobs/, once across all processes). */
  SETTLE_EVERY_MS: z.coerce.number().int().min(100).default(60_000),
  // --- operations (issue 10: logs, metrics, proxies, limits) ---
  /** pino level; `silent` turns the log off. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Bearer token for GET /metrics from other hosts; without it only loopback (no proxy headers) may read it. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Reverse proxies in front: a hop count (1 = one proxy) or a comma-separated list of addresses/CIDRs. */
  TRUST_PROXY: z.string().optional(),
  /** Where the generated PII key lives (never inside DATA_DIR, so that a copy of the data carries no key). */
  KEY_DIR: z.string().optional(),
  PII_KEY_FILE: z.string().optional(),
  /** Per-user budget of POST /api/sync per minute, and of exports per minute. */
  SYNC_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  EXPORT_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Heavy requests (sync, exports, rankings) served at once by this process; more wait in no queue: 503. */
  HEAVY_CONCURRENCY: z.coerce.number().int().min(1).default(16),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  sqlitePath: string;
  piiKeyHex: string | null;
  cookieSecure: boolean;
  sessionDays: number;
  /** Inactivity limit of resident sessions, in minutes (always shorter than a staff session). */
  residentIdleMinutes: number;
  syncWriterThread: boolean;
  settleEveryMs: number;
  logLevel: string;
  metricsToken: string | null;
  /** Parsed TRUST_PROXY (server/http/client-address.ts); null trusts no proxy. */
  trustProxy: string | null;
  /** The generated PII key file (server/security/key-file.ts); outside dataDir by default. */
  piiKeyFile: string;
  syncRatePerMinute: number;
  exportRatePerMinute: number;
  heavyConcurrency: number;
}

/**
 * The generated PII key's default home: a sibling of the data directory (`data/` → `data-keys/`,
 * git-ignored), never inside it, so that a copy or backup of DATA_DIR carries no key.
 */
export function defaultKeyDir(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}-keys`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.parse(env);
  const dataDir = path.resolve(parsed.DATA_DIR);
  const url = parsed.DATABASE_URL && /^postgres(ql)?:\/\//.test(parsed.DATABASE_URL) ? parsed.DATABASE_URL : null;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: url,
    dataDir,
    sqlitePath: path.join(dataDir, 'cunxin.sqlite'),
    piiKeyHex: parsed.PII_KEY ?? null,
    cookieSecure: parsed.COOKIE_SECURE === '1',
    sessionDays: parsed.SESSION_DAYS,
    residentIdleMinutes: Math.min(parsed.RESIDENT_IDLE_MINUTES, parsed.SESSION_DAYS * 24 * 60 - 1),
    syncWriterThread: parsed.SYNC_WRITER_THREAD === '1',
    settleEveryMs: parsed.SETTLE_EVERY_MS,
    logLevel: parsed.LOG_LEVEL ?? 'info',
    metricsToken: parsed.METRICS_TOKEN ?? null,
    trustProxy: parsed.TRUST_PROXY?.trim() || null,
    piiKeyFile: path.resolve(parsed.PII_KEY_FILE ?? path.join(parsed.KEY_DIR ? path.resolve(parsed.KEY_DIR) : defaultKeyDir(dataDir), 'pii.key')),
    syncRatePerMinute: parsed.SYNC_RATE_PER_MINUTE,
    exportRatePerMinute: parsed.EXPORT_RATE_PER_MINUTE,
    heavyConcurrency: parsed.HEAVY_CONCURRENCY,
  };
}
