// Bulk row writers behind one interface. Kysely's query builder costs microseconds per value,
// which at Pingdu scale (tens of millions of rows) is the difference between minutes and hours,
// so seeds write through raw statements:
// - SQLite, own connection (the scale seed): one prepared statement per table, run per row inside
//   big transactions — better-sqlite3 makes that a plain C call.
// - PostgreSQL, own connection (the scale seed): COPY FROM STDIN (pg-copy.ts).
// - Through Kysely, inside the caller's transaction (demo, bench): multi-row VALUES on SQLite,
//   `INSERT … SELECT * FROM unnest($1::text[], $2::int[], …)` on PostgreSQL.
// None of them opens a transaction: the caller decides where transactions begin and end.
// The scale-seed writers also take pre-encoded blocks (encode.ts) from the generator's worker.
import { CompiledQuery, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';
import { SEED_COLUMNS, type Row, type SeedTable, type TownshipRows, type VillageRows } from './rows';
import { columnNames as columnsOf, encodeRows, forEachRow, type RowBlock, type TablePart } from './encode';
import { copyFromStdin } from './pg-copy';

export interface BulkWriter {
  write<T extends SeedTable>(table: T, rows: readonly Row<T>[]): Promise<void>;
  /** Rows written so far, for progress and rows/second. */
  readonly rowsWritten: number;
}

/** A writer that also takes rows encoded elsewhere (encode.ts; in the generator's worker thread). */
export interface BlockWriter extends BulkWriter {
  writeBlock(block: RowBlock): Promise<void>;
}

export async function writePart(w: BlockWriter, part: TablePart): Promise<void> {
  if (part.block) await w.writeBlock(part.block);
  else await w.write(part.table, part.rows as readonly Row<typeof part.table>[]);
}

/** SQLite through a better-sqlite3 handle the caller owns: one cached statement per table. */
export function sqliteStatementWriter(sqlite: BetterSqlite3.Database): BlockWriter {
  const statements = new Map<SeedTable, BetterSqlite3.Statement>();
  const statementFor = (table: SeedTable) => {
    let stmt = statements.get(table);
    if (!stmt) {
      const cols = columnsOf(table);
      stmt = sqlite.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
      statements.set(table, stmt);
    }
    return stmt;
  };
  let rowsWritten = 0;
  // Positional binding from one reused array: measurably faster than binding by name.
  const writer: BlockWriter = {
    get rowsWritten() { return rowsWritten; },
    async write(table, rows) {
      const stmt = statementFor(table);
      const cols = columnsOf(table);
      const values = new Array<unknown>(cols.length);
      for (const row of rows as readonly Record<string, unknown>[]) {
        for (let i = 0; i < cols.length; i++) values[i] = row[cols[i]];
        stmt.run(values);
      }
      rowsWritten += rows.length;
    },
    async writeBlock(block) {
      const stmt = statementFor(block.table);
      forEachRow(block, (values) => stmt.run(values));
      rowsWritten += block.count;
    },
  };
  return writer;
}

/**
 * PostgreSQL through a pg.Client the caller owns (and has opened a transaction on): COPY per
 * block, with FREEZE for the tables the caller truncated in that transaction.
 */
export function postgresCopyWriter(client: pg.Client, frozen: ReadonlySet<string> = new Set()): BlockWriter {
  let rowsWritten = 0;
  const writer: BlockWriter = {
    get rowsWritten() { return rowsWritten; },
    async write(table, rows) {
      await writer.writeBlock(encodeRows(table, rows));
    },
    async writeBlock(block) {
      if (block.count > 0) await copyFromStdin(client, block.table, columnsOf(block.table), block.data, frozen.has(block.table));
      rowsWritten += block.count;
    },
  };
  return writer;
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
