// npm run seed -- --villages N --households M --entries K [--database-url URL] [--data-dir DIR] [--reset]
//
//   --villages N        number of villages (grouped into townships of --villages-per-township, default 110)
//   --households M      households PER VILLAGE (Pingdu: 317,000 / 1,788 ≈ 177)
//   --entries K         moral-points entries PER VILLAGE (Pingdu: 6.5 million / 1,788 ≈ 3,636)
//   --pingdu            shorthand for --villages 1788 --households 177 --entries 3636
//   --database-url URL  postgres://… (default: DATABASE_URL, else SQLite in DATA_DIR/cunxin.sqlite)
//   --data-dir DIR      data directory (SQLite file; the PII key goes to KEY_DIR or <DIR>-keys/) (default: DATA_DIR, else ./data)
//   --reset             empty the database first (otherwise a database with data is refused)
//   --seed S            random seed (default 1); the same arguments always give the same data
//   --id-share P        share of adults that get a (synthetic, encrypted) ID number (default 0.1)
//   --password PW       password of every seeded account (default cunxin-scale)
//   --worker, --no-worker  generate in a worker thread or in the main thread (same data); default:
//                       worker on PostgreSQL (the server inserts while Node generates), main thread
//                       on SQLite (inserting is the bottleneck there, and handing rows over costs more)
// Without sizes it seeds 20 villages × 177 households × 3,636 entries.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { seedScale, type ScaleOptions } from '../server/seed/scale';

const PINGDU = { villages: 1788, households: 177, entries: 3636 };

function intArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
}

/** Parses the command line (without `node script`) into seed options, using env for defaults. */
export function parseSeedArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ScaleOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      villages: { type: 'string' }, households: { type: 'string' }, entries: { type: 'string' },
      pingdu: { type: 'boolean' }, 'database-url': { type: 'string' }, 'data-dir': { type: 'string' },
      reset: { type: 'boolean' }, seed: { type: 'string' }, 'villages-per-township': { type: 'string' },
      'id-share': { type: 'string' }, password: { type: 'string' }, worker: { type: 'boolean' }, 'no-worker': { type: 'boolean' },
    },
    strict: true,
  });
  const base = values.pingdu ? PINGDU : { villages: 20, households: 177, entries: 3636 };
  const config = loadConfig({
    ...env,
    ...(values['database-url'] !== undefined ? { DATABASE_URL: values['database-url'] } : {}),
    ...(values['data-dir'] !== undefined ? { DATA_DIR: values['data-dir'] } : {}),
  });
  if (values['database-url'] && !config.databaseUrl) throw new Error('--database-url must start with postgres:// or postgresql://');
  const idShare = values['id-share'] === undefined ? 0.1 : Number(values['id-share']);
  if (!(idShare >= 0 && idShare <= 1)) throw new Error('--id-share must be between 0 and 1');
  return {
    villages: intArg(values.villages, 'villages', base.villages),
    households: intArg(values.households, 'households', base.households),
    entries: intArg(values.entries, 'entries', base.entries),
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    dataDir: config.dataDir,
    piiKeyHex: config.piiKeyHex,
    piiKeyFile: config.piiKeyFile,
    reset: values.reset ?? false,
    seed: intArg(values.seed, 'seed', 1),
    villagesPerTownship: intArg(values['villages-per-township'], 'villages-per-township', 110) || 110,
    idShare,
    password: values.password,
    worker: values['no-worker'] ? false : values.worker ? true : undefined,
  };
}

async function main(): Promise<void> {
  const opts = parseSeedArgs(process.argv.slice(2));
  const target = opts.databaseUrl ? 'PostgreSQL' : path.relative(process.cwd(), opts.sqlitePath);
  console.log(`[seed] ${opts.villages} villages × ${opts.households} households × ${opts.entries} entries → ${target}`);
  const r = await seedScale(opts);
  console.log(`[seed] ${r.townships} townships, ${r.villages} villages, ${r.households} households, ${r.persons} persons, ` +
    `${r.entries} entries, ${r.events} entry events, ${r.users} accounts`);
  for (const l of r.logins) console.log(`[seed] login ${l.username} / ${l.password}  (${l.note})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`[seed] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
