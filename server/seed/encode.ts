// Rows encoded once, in PostgreSQL's COPY text format (tab-separated, \N for NULL, backslash
// escapes), as one Buffer per table and village. The generator's worker thread encodes and hands
// the Buffer over without copying; PostgreSQL takes it as COPY FROM STDIN, the SQLite writer
// splits it back into values. Writing bytes straight into a buffer is several times cheaper
// than building the text from strings, and cheaper to pass between threads than objects.
import { SEED_COLUMNS, type Row, type SeedTable } from './rows';

export interface RowBlock { table: SeedTable; count: number; data: Buffer }

/** One table's rows of a village: as objects (same thread) or encoded (from the worker). */
export type TablePart =
  | { table: SeedTable; rows: readonly object[]; block?: undefined }
  | { table: SeedTable; block: RowBlock; rows?: undefined };

export const columnNames = (table: SeedTable): string[] => SEED_COLUMNS[table].map(([c]) => c as string);

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
const TAB = 9;
const NEWLINE = 10;

function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (m) => ESCAPES[m]) : s;
}

export function encodeRows<T extends SeedTable>(table: T, rows: readonly Row<T>[]): RowBlock {
  const cols = columnNames(table);
  const last = cols.length - 1;
  // Not from Node's shared pool, so the worker can transfer the whole ArrayBuffer.
  let buf = Buffer.allocUnsafeSlow(Math.max(1024, rows.length * cols.length * 24));
  let at = 0;
  for (const row of rows as readonly Record<string, unknown>[]) {
    for (let j = 0; j <= last; j++) {
      const text = copyText(row[cols[j]]);
      if (at + text.length * 3 + 1 > buf.length) {
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2 + text.length * 3);
        buf.copy(bigger, 0, 0, at);
        buf = bigger;
      }
      at += buf.write(text, at, 'utf8');
      buf[at++] = j === last ? NEWLINE : TAB;
    }
  }
  return { table, count: rows.length, data: buf.subarray(0, at) };
}

export function encodePart(part: TablePart): RowBlock {
  return part.block ?? encodeRows<SeedTable>(part.table, part.rows as readonly Row<SeedTable>[]);
}

/**
 * Calls `each` with the values of every row of a block, in column order, reusing one array.
 * Integer columns come back as numbers, \N as null.
 */
export function forEachRow(block: RowBlock, each: (values: unknown[]) => void): void {
  const types = SEED_COLUMNS[block.table].map(([, t]) => t);
  const width = types.length;
  const values = new Array<unknown>(width);
  const text = block.data.toString('utf8');
  let pos = 0;
  for (let r = 0; r < block.count; r++) {
    for (let j = 0; j < width; j++) {
      const end = text.indexOf(j === width - 1 ? '\n' : '\t', pos);
      const s = text.slice(pos, end);
      pos = end + 1;
      values[j] = s === '\\N' ? null : types[j] === 'int' ? Number(s) : s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c) : s;
    }
    each(values);
  }
}
