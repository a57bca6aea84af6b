// CSV as Excel and WPS open it with Chinese: UTF-8 with a BOM, CRLF lines, RFC 4180 quoting. A
// cell that a spreadsheet would run as a formula (= + - @ at the start of text) is prefixed with '.
import type { ExportCell, ExportColumn } from './types';
import { cellText } from './cells';

export const BOM = '\uFEFF';

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const defuse = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

export function csvHeader(columns: readonly ExportColumn[]): string {
  return `${BOM}${columns.map((c) => quote(c.header)).join(',')}\r\n`;
}

export function csvRows(columns: readonly ExportColumn[], rows: readonly ExportCell[][]): string {
  let out = '';
  for (const row of rows) {
    out += columns.map((c, i) => {
      const text = cellText(c.type, row[i] ?? null);
      return quote(c.type === 'text' ? defuse(text) : text);
    }).join(',');
    out += '\r\n';
  }
  return out;
}
