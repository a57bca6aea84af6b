// One home for exports that leave the system (issue 11 "Reports that leave the system"). An export
// is a RowSource: its Chinese title, its typed columns and its rows, page by page. The writers
// (csv.ts, xlsx.ts) and the HTTP answer (respond.ts) are shared; a new export (payout lists, the
// roster: sources/roster.ts) is one more RowSource in sources/, listed in sources/index.ts.
import type { Queryable } from '../repositories/queryable';
import type { VillageDto } from '../../shared/protocol/tables';
import type { PiiKeys } from '../security/pii';
import type { ExportKey } from '../../shared/domain/audit-actions';

/**
 * text: as is · int/decimal: a number cell · percent: a fraction 0..1 shown as 12.5% ·
 * date: 'YYYY-MM-DD' shown as a date cell · datetime: an ISO instant shown in China time.
 */
export type ColumnType = 'text' | 'int' | 'decimal' | 'percent' | 'date' | 'datetime';

export interface ExportColumn { header: string; type: ColumnType; width?: number }

export type ExportCell = string | number | null;

export interface ExportContext {
  db: Queryable;
  townshipId: string;
  townshipName: string;
  /** The township's villages (pinyin order), the export's scope. */
  villages: readonly VillageDto[];
  year: number;
  /** China-time date of the export. */
  today: string;
  basePoints: number;
  /** For a source that shows masked ID numbers (the roster masks what it decrypts). */
  pii: PiiKeys;
}

export interface RowSource {
  /** The URL segment and the audit action (export.<key>). */
  key: ExportKey;
  /** Sheet name and file name stem, in Chinese. */
  titleZh: string;
  columns: readonly ExportColumn[];
  /**
   * 'township' (default): the township's villages, audited on the township. 'village': one village
   * (ctx.villages holds it), audited on that village (the roster export).
   */
  scope?: 'township' | 'village';
  /** The file name without its extension, when not '<township>-<title>-<year>'. */
  fileStem?(ctx: ExportContext): string;
  /** The rows, a page at a time (a page is read with one query; the next waits for the writer). */
  pages(ctx: ExportContext): AsyncIterable<ExportCell[][]>;
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Rows per page read from the repository. A page's query runs on the main thread (SQLite reads are
 * synchronous), so a page is what a sync push may wait for: small enough to be a few ms.
 */
export const EXPORT_PAGE = 250;
