// The server's one logger: structured JSON lines (pino) on stdout, one per request plus events.
// What a line may hold is fixed here: ids, route patterns, statuses, timings, error kinds. Never
// bodies, names, phones or ID numbers. The redact list is a second fence for keys that a careless
// call might pass; error objects go through safeError, which drops driver fields (PostgreSQL's
// `detail` quotes the offending values).
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'password', 'pin', 'phone', 'name', 'headName', 'idNumber', 'id_number', 'cookie', 'authorization',
  '*.password', '*.pin', '*.phone', '*.name', '*.headName', '*.idNumber', '*.id_number', '*.cookie', '*.authorization',
  'req.headers', 'body', '*.body',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: safeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination ?? pino.destination({ fd: 1, sync: true }));
}

/** An error as the log may keep it: kind, message, code, stack. Nothing the driver attached. */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 200) };
  const out: Record<string, unknown> = { type: err.name, message: err.message.slice(0, 500), stack: err.stack };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  return out;
}

// Until main.ts has read the configuration. In-process tests (vitest) stay quiet unless LOG_LEVEL
// says otherwise; a server process they spawn calls setLogger with its own level.
let current: Logger = createLogger(process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'));

/** The process logger (main.ts replaces it once the configuration is read). */
export const log = (): Logger => current;

export function setLogger(logger: Logger): void {
  current = logger;
}
