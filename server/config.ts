// Environment, parsed once at boot. Everything configurable lives here.
import { z } from 'zod';
import path from 'node:path';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('0.0.0.0'),
  /** postgres://… selects PostgreSQL; empty means the embedded SQLite file. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('data'),
  /** 64 hex chars; when absent a key is generated once into DATA_DIR/secret.key. */
  PII_KEY: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
  /** Cookies get the __Host- prefix and Secure flag; off for plain-http local use. */
  COOKIE_SECURE: z.enum(['0', '1']).optional(),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  NODE_ENV: z.string().default('development'),
  /** SQLite: pushed batches are written on a thread of their own (server/sync/writer/); 0 turns it off. */
  SYNC_WRITER_THREAD: z.enum(['0', '1']).default('1'),
  /** How often ended public-notice windows are settled (server/jobs/, once across all processes). */
  SETTLE_EVERY_MS: z.coerce.number().int().min(100).default(60_000),
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
  syncWriterThread: boolean;
  settleEveryMs: number;
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
    syncWriterThread: parsed.SYNC_WRITER_THREAD === '1',
    settleEveryMs: parsed.SETTLE_EVERY_MS,
  };
}
