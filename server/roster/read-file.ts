// An uploaded roster file → a grid of cells for shared/domain/roster-import.ts. XLSX (and old XLS)
// through SheetJS (@e965/xlsx) with raw cell values, so that a number cell stays a number (an ID
// number Excel turned into one is refused, never repaired); CSV in UTF-8 (with or without BOM),
// UTF-16 or GBK/GB18030, the encoding recognised from the bytes.
import iconv from 'iconv-lite';
import * as XLSX from '@e965/xlsx';
import type { RosterCell } from '../../shared/domain/roster-import';
import { parseCsv } from '../../shared/domain/roster-import';

export type RosterFormat = 'xlsx' | 'csv';

export function formatOf(fileName: string): RosterFormat | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (ext === 'xlsx' || ext === 'xls' || ext === 'xlsm') return 'xlsx';
  if (ext === 'csv' || ext === 'txt') return 'csv';
  return null;
}

/** CSV bytes as text: a BOM decides; else valid UTF-8 is UTF-8, anything else is GB18030 (a superset of GBK). */
export function decodeCsv(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
}

export class UnreadableFile extends Error {}

/** The first sheet (or the CSV) as rows of cells. */
export function readRosterGrid(bytes: Uint8Array, format: RosterFormat): RosterCell[][] {
  if (format === 'csv') return parseCsv(decodeCsv(bytes));
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'buffer', cellDates: false, cellFormula: false, cellHTML: false });
  } catch {
    throw new UnreadableFile('无法读取该 Excel 文件，请确认文件未损坏且不是加密文件');
  }
  const sheet = wb.Sheets[wb.SheetNames[0]];
  if (!sheet) throw new UnreadableFile('Excel 文件中没有工作表');
  return XLSX.utils.sheet_to_json<RosterCell[]>(sheet, { header: 1, raw: true, defval: null, blankrows: true });
}
