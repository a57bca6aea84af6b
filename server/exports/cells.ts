// How a typed cell is shown as text (CSV) and as a spreadsheet value (XLSX), so that both formats
// show the same thing: LibreOffice's CSV of our XLSX equals our CSV (server/exports/exports.test.ts).
import type { ColumnType, ExportCell } from './types';

const CHINA_OFFSET_MS = 8 * 3600_000;

/** An ISO instant in China time as 'YYYY-MM-DD HH:MM:SS'. */
export function chinaDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + CHINA_OFFSET_MS);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function cellText(type: ColumnType, v: ExportCell): string {
  if (v === null || v === '') return '';
  switch (type) {
    case 'percent': return `${(Number(v) * 100).toFixed(1)}%`;
    case 'decimal': return (Math.round(Number(v) * 10) / 10).toFixed(1);
    case 'datetime': return chinaDateTime(String(v));
    default: return String(v);
  }
}

/** The XLSX value: numbers as numbers, dates as Date (exceljs writes a serial in UTC), else text. */
export function cellValue(type: ColumnType, v: ExportCell): string | number | Date | null {
  if (v === null || v === '') return null;
  switch (type) {
    case 'int': case 'percent': return Number(v);
    case 'decimal': return Math.round(Number(v) * 10) / 10;
    case 'date': return new Date(`${String(v)}T00:00:00.000Z`);
    case 'datetime': return new Date(new Date(String(v)).getTime() + CHINA_OFFSET_MS);
    default: return String(v);
  }
}

export const NUM_FMT: Record<ColumnType, string | undefined> = {
  text: '@', int: '0', decimal: '0.0', percent: '0.0%', date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm:ss',
};

/** The masked ID number shown where one must be shown at all: only the last four digits. */
export const maskIdLast4 = (last4: string | null) => (last4 ? `**************${last4}` : '');
