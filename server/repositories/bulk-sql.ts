// Multi-row INSERTs as plain SQL text, built once per (dialect, table, row count) and reused.
// Kysely's builder turns every value into a node and compiles it on every call, which for a
// 200-row, 19-column insert costs more than SQLite takes to store the rows; the statements here
// are the same ones, with their parameters bound positionally.
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';

const texts = new Map<string, string>();

function insertText(dialect: Dialect, table: string, cols: readonly string[], rows: number, tail: string): string {
  const key = `${dialect}|${table}|${cols.length}|${rows}|${tail}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${cols.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`;
    const tuples = Array.from({ length: rows }, tuple).join(', ');
    text = `insert into ${table} (${cols.join(', ')}) values ${tuples}${tail ? ` ${tail}` : ''}`;
    if (texts.size > 2000) texts.clear(); // row counts vary; keep the cache bounded
    texts.set(key, text);
  }
  return text;
}

/**
 * INSERT of `rows` (arrays in the order of `cols`) in chunks of `chunk` rows; `tail` is appended
 * (e.g. 'on conflict (id) do nothing returning id'). Returns the rows the statements returned.
 */
export async function insertRows<R = unknown>(
  trx: Kysely<Database>, dialect: Dialect, table: string, cols: readonly string[], rows: readonly unknown[][], tail = '', chunk = 500,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const params: unknown[] = [];
    for (const r of part) for (const v of r) params.push(v);
    const result = await trx.executeQuery<R>(CompiledQuery.raw(insertText(dialect, table, cols, part.length, tail), params));
    out.push(...result.rows);
  }
  return out;
}
