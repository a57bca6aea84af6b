// The HTTP answer of an export: the rows of a RowSource streamed as CSV or XLSX, a page at a time,
// and one audit row when the export ends (who, when, what, how many rows). On the server the
// township's exports are made on a thread of their own (thread.ts), so that reading and zipping
// 400,000 rows does not hold up sync pushes on the main thread. Where there is no such thread
// (tests; the roster of one village; EXPORT_THREAD=0) the export runs here and yields to the event
// loop between two pages (CSV) or slices of 100 rows (XLSX). Waiting for sync pushes in flight
// as well was measured there and made sync worse (docs/performance.md, design B); on the export
// thread it does (give-way.ts), where the wait costs the export's time only.
import { PassThrough, Readable } from 'node:stream';
import type { Deps } from '../context';
import { writeTransaction } from '../db/transaction';
import { recordAudit } from '../repositories/audit';
import { log } from '../ops/log';
import type { ExportContext, ExportFormat, RowSource } from './types';
import { csvHeader, csvRows } from './csv';
import { xlsxSheet } from './xlsx';

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Rows written to a sheet between two yields to the event loop. */
const XLSX_SLICE = 100;

/** Lets other work (sync pushes, other requests) run between two pages. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function exportFileName(source: RowSource, ctx: ExportContext, format: ExportFormat): string {
  return `${source.fileStem ? source.fileStem(ctx) : `${ctx.townshipName}-${source.titleZh}-${ctx.year}`}.${format}`;
}

/** Waits while the consumer has not taken what was written (backpressure on the PassThrough). */
async function drained(out: PassThrough): Promise<void> {
  if (out.writableLength <= out.writableHighWaterMark) return;
  await new Promise<void>((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); resolve(); };
    out.once('drain', done);
    out.once('close', done);
  });
}

/** Writes the rows of `source` to `out` as CSV or XLSX; `pause` runs between two pages or slices. */
export async function produce(source: RowSource, ctx: ExportContext, format: ExportFormat, out: PassThrough, pause: () => Promise<void>): Promise<{ rows: number; complete: boolean }> {
  let rows = 0;
  let complete = true;
  if (format === 'csv') {
    out.write(csvHeader(source.columns));
    for await (const page of source.pages(ctx)) {
      if (out.destroyed) { complete = false; break; }
      out.write(csvRows(source.columns, page));
      rows += page.length;
      await drained(out);
      await pause();
    }
    out.end();
    return { rows, complete };
  }
  const sheet = xlsxSheet(out, source.titleZh, source.columns);
  for await (const page of source.pages(ctx)) {
    if (out.destroyed) { complete = false; break; }
    // Writing XLSX rows costs far more than reading them: a slice at a time, yielding between.
    for (let i = 0; i < page.length; i += XLSX_SLICE) {
      sheet.add(page.slice(i, i + XLSX_SLICE));
      await drained(out);
      await pause();
    }
    rows += page.length;
  }
  if (complete) await sheet.finish(); // ends `out`
  return { rows, complete };
}

/** Streams the export and records it in the audit log when it has been written. */
export function exportResponse(deps: Deps, actorId: string, source: RowSource, ctx: ExportContext, format: ExportFormat): Response {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const started = Date.now();
  const village = source.scope === 'village' ? ctx.villages[0] : undefined;
  // The township's exports run on the export thread when there is one (server/exports/thread.ts):
  // the main thread then only passes the bytes on. The roster (one village, ID numbers to mask
  // with the key) and the tests' in-memory databases run here.
  const produced = deps.exportRunner && source.scope !== 'village'
    ? deps.exportRunner.run(source.key, format, ctx, out)
    : produce(source, ctx, format, out, yieldToLoop);
  void produced.then(
    ({ rows, complete }) => writeTransaction(deps, (trx) => recordAudit(trx, {
      townshipId: ctx.townshipId, actorId, action: `export.${source.key}`,
      ...(village ? { villageId: village.id, subjectKind: 'village', subjectId: village.id } : { subjectKind: 'township', subjectId: ctx.townshipId }),
      rowCount: rows, detail: { format, year: ctx.year, complete, ms: Date.now() - started }, at: deps.now().toISOString(),
    })),
    (err: unknown) => {
      log().error({ err, export: source.key, format }, 'export failed');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  ).catch((err: unknown) => log().error({ err, export: source.key }, 'export audit failed'));
  const name = exportFileName(source, ctx, format);
  return new Response(Readable.toWeb(out) as ReadableStream, {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPE[format],
      'Content-Disposition': `attachment; filename="export.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });
}
