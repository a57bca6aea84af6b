// Bulk row writers behind one interface. Kysely's query builder costs microseconds per value,
// which at Pingdu scale (tens of millions of rows) is the difference between minutes and hours,
// so seeds write through raw statements:
// - SQLite, own connection (the scale seed): one prepared statement per table, run per row inside
//   big transactions — better-sqlite3 makes that a plain C call.
// - SQLite through Kysely (demo, bench: inside the caller's transaction): multi-row VALUES.
// - PostgreSQL: `INSERT … SELECT * FROM unnest($1::text[], $2::int[], …)`, thousands of rows per
//   statement with one array parameter per column (no COPY: pg-copy-streams is not a dependency).
// None of them opens a transaction: the caller decides where transactions begin and end.
import { CompiledQuery, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';
import { SEED_COLUMNS, type Row, type SeedTable, type TownshipRows, type VillageRows } from './rows';

export interface BulkWriter {
  write<T extends SeedTable>(table: T, rows: readonly Row<T>[]): Promise<void>;
  /** Rows written so far, for progress and rows/second. */
  readonly rowsWritten: number;
}

const columnsOf = (table: SeedTable) => SEED_COLUMNS[table].map(([c]) => c as string);

/** SQLite through a better-sqlite3 handle the caller owns: one cached statement per table. */
export function sqliteStatementWriter(sqlite: BetterSqlite3.Database): BulkWriter {
  const statements = new Map<SeedTable, { stmt: BetterSqlite3.Statement; cols: string[]; values: unknown[] }>();
  let rowsWritten = 0;
  return {
    get rowsWritten() { return rowsWritten; },
    async write(table, rows) {
      let s = statements.get(table);
      if (!s) {
        const cols = columnsOf(table);
        const stmt = sqlite.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
        s = { stmt, cols, values: new Array<unknown>(cols.length) };
        statements.set(table, s);
      }
      // Positional binding from one reused array: measurably faster than binding by name.
      const { stmt, cols, values } = s;
      for (const row of rows as readonly Record<string, unknown>[]) {
        for (let i = 0; i < cols.length; i++) values[i] = row[cols[i]];
        stmt.run(values);
      }
      rowsWritten += rows.length;
    },
  };
}

/** Raw statements through Kysely, so they join the caller's transaction (demo, bench, scale on PostgreSQL). */
export function kyselyWriter(db: Kysely<Database>, dialect: Dialect): BulkWriter {
  let rowsWritten = 0;
  const write = dialect === 'postgres' ? writeUnnest : writeValues;
  return {
    get rowsWritten() { return rowsWritten; },
    async write(table, rows) {
      await write(db, table, rows as readonly Record<string, unknown>[]);
      rowsWritten += rows.length;
    },
  };
}

/** SQLite allows 32,766 bound variables per statement; 500 rows keeps statements cheap to prepare. */
async function writeValues(db: Kysely<Database>, table: SeedTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  const cols = columnsOf(table);
  const perStatement = Math.min(500, Math.floor(32_000 / cols.length));
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const r of chunk) for (const c of cols) params.push(r[c]);
    const text = `insert into ${table} (${cols.join(', ')}) values ${chunk.map(() => tuple).join(', ')}`;
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** Rows per PostgreSQL statement: big enough to amortise the round trip, small enough to stream. */
const PG_ROWS_PER_STATEMENT = 5000;

async function writeUnnest(db: Kysely<Database>, table: SeedTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  const spec = SEED_COLUMNS[table];
  const cols = spec.map(([c]) => c as string);
  const text = `insert into ${table} (${cols.join(', ')}) select * from unnest(${spec.map(([, t], i) => `$${i + 1}::${t === 'int' ? 'integer' : 'text'}[]`).join(', ')})`;
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + PG_ROWS_PER_STATEMENT);
    const arrays = cols.map((c) => chunk.map((r) => r[c]));
    await db.executeQuery(CompiledQuery.raw(text, arrays));
  }
}

/** A township with its catalogue, in foreign-key order. */
export async function writeTownship(w: BulkWriter, t: TownshipRows): Promise<void> {
  await w.write('townships', [t.township]);
  await w.write('catalog_versions', [t.catalogVersion]);
  await w.write('indicators', t.indicators);
  await w.write('changes', t.changes);
}

/** One village's rows, in foreign-key order. */
export async function writeVillage(w: BulkWriter, v: VillageRows): Promise<void> {
  await w.write('villages', [v.village]);
  await w.write('households', v.households);
  await w.write('persons', v.persons);
  await w.write('notices', v.notices);
  await w.write('entries', v.entries);
  await w.write('entry_events', v.events);
  await w.write('changes', v.changes);
}
