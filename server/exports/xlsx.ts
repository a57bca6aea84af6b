// XLSX through exceljs's streaming WorkbookWriter: rows are committed as they come (never a whole
// sheet in memory), a frozen Chinese header row, typed cells (numbers, dates with a date format).
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportCell, ExportColumn } from './types';
import { cellValue, NUM_FMT } from './cells';

export interface SheetWriter {
  add(rows: readonly ExportCell[][]): void;
  finish(): Promise<void>;
}

/** Sheet names may not hold []:*?/\ and are at most 31 characters. */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

export function xlsxSheet(stream: Writable, title: string, columns: readonly ExportColumn[]): SheetWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = '村信';
  const ws = wb.addWorksheet(sheetName(title), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    header: c.header, width: c.width ?? (c.type === 'datetime' ? 20 : c.type === 'date' ? 12 : 14),
    style: { numFmt: NUM_FMT[c.type] },
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  // One style object per column, shared by its cells: exceljs gives every cell a copy of its
  // column's style and then serialises each copy to find its style id, unless it has seen that very
  // object before (a WeakMap). Sharing the object makes that a lookup (half the export's CPU).
  const styles = columns.map((c) => ({ numFmt: NUM_FMT[c.type] }));
  return {
    add(rows) {
      for (const row of rows) {
        const r = ws.addRow(columns.map((c, i) => cellValue(c.type, row[i] ?? null)));
        r.eachCell((cell, col) => { cell.style = styles[col - 1]; });
        r.commit();
      }
    },
    async finish() {
      ws.commit();
      await wb.commit();
    },
  };
}
