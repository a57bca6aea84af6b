// /api/township/villages/:villageId/…: the township office's roster work for one village of its
// township (issue 11): roster imports (upload + dry run with progress, import, history with the
// file and report), the roster export (a row source of server/exports/), and the printable honour board.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { notFound } from '../../http/errors';
import { heavyGate } from '../../http/rate-limit';
import { jsonBody, queryParams } from '../../http/validate';
import { findImport, findImportReport, listImports } from '../../repositories/roster-imports';
import { findTownshipOfVillage, findVillage } from '../../repositories/villages';
import { householdsShownIn } from '../../repositories/consents';
import { boardCredits, boardHouseholds, boardTallies } from '../../repositories/township-office';
import { applyImport, importFile, MAX_ROSTER_BYTES, startImport } from '../../roster/import';
import { rosterSource } from '../../exports/sources/roster';
import { exportResponse } from '../../exports/respond';
import { EXPORT_FORMATS } from '../../exports/types';
import { chinaToday } from '../clock';
import { buildHonourBoard } from '../../../shared/domain/honour-board';
import { chinaYear } from '../clock';
import { DEFAULT_BASE_POINTS } from '../../../shared/domain/points';

const uploadBody = z.object({
  fileName: z.string().trim().min(1).max(200),
  // base64 of the file (the API takes JSON only); 8 MB of file is about 10.7 MB of base64
  contentBase64: z.string().min(4).max(Math.ceil(MAX_ROSTER_BYTES / 3) * 4 + 4).regex(/^[A-Za-z0-9+/]+=*$/),
});
const applyBody = z.object({ skipErrorRows: z.boolean().default(false) });
const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default('xlsx') });
const RULE = { roles: TOWNSHIP_STAFF, scope: 'village' } as const;

async function townshipOf(c: { get(k: 'deps'): AppEnv['Variables']['deps'] }, villageId: string): Promise<string> {
  const t = await findTownshipOfVillage(c.get('deps').db, villageId);
  if (!t) throw notFound('村不存在或不在您的范围内');
  return t.id;
}

/** Tests wait for the dry run of an upload here (the HTTP answer does not). */
export const pendingDryRuns = new Map<string, Promise<void>>();

const attachment = (fileName: string) => `attachment; filename="roster"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export const rosterOfficeRoutes = new Hono<AppEnv>()
  .get('/villages/:villageId/roster-imports', allow(RULE), async (c) => {
    return c.json({ imports: await listImports(c.get('deps').db, c.req.param('villageId')) }, 200);
  })
  .post('/villages/:villageId/roster-imports', allow(RULE), jsonBody(uploadBody), async (c) => {
    const user = requireUser(c.get('user'));
    const villageId = c.req.param('villageId');
    const body = c.req.valid('json');
    const { id, done } = await startImport(c.get('deps'), {
      townshipId: await townshipOf(c, villageId), villageId, userId: user.id, fileName: body.fileName, bytes: Buffer.from(body.contentBase64, 'base64'),
    });
    pendingDryRuns.set(id, done.finally(() => pendingDryRuns.delete(id)));
    return c.json({ import: await findImport(c.get('deps').db, villageId, id) }, 202);
  })
  .get('/villages/:villageId/roster-imports/:importId', allow(RULE), async (c) => {
    const db = c.get('deps').db;
    const imp = await findImport(db, c.req.param('villageId'), c.req.param('importId'));
    if (!imp) throw notFound('导入记录不存在');
    return c.json({ import: imp, rows: imp.status === 'parsing' ? [] : await findImportReport(db, imp.id) }, 200);
  })
  .get('/villages/:villageId/roster-imports/:importId/file', allow(RULE), async (c) => {
    const deps = c.get('deps');
    const imp = await findImport(deps.db, c.req.param('villageId'), c.req.param('importId'));
    const file = imp ? await importFile(deps, imp.id) : null;
    if (!imp || !file) throw notFound('导入记录不存在');
    return c.body(new Uint8Array(file.bytes), 200, {
      'Content-Type': file.format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': attachment(file.fileName),
    });
  })
  .post('/villages/:villageId/roster-imports/:importId/apply', allow(RULE), jsonBody(applyBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const imp = await findImport(deps.db, c.req.param('villageId'), c.req.param('importId'));
    if (!imp) throw notFound('导入记录不存在');
    const result = await applyImport(deps, imp, user.id, c.req.valid('json'));
    return c.json({ import: await findImport(deps.db, imp.villageId, imp.id), result }, 200);
  })
  .get('/villages/:villageId/roster-export', allow(RULE), heavyGate, queryParams(exportQuery), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const [village, township] = await Promise.all([findVillage(deps.db, villageId), findTownshipOfVillage(deps.db, villageId)]);
    if (!village || !township) throw notFound('村不存在或不在您的范围内');
    // One of the exports (server/exports/): streamed, audited as export.roster on the village.
    return exportResponse(deps, user.id, rosterSource, {
      db: deps.db, pii: deps.pii, townshipId: township.id, townshipName: township.name, villages: [village], year: chinaYear(deps.now()),
      today: chinaToday(deps.now()), basePoints: township.basePoints ?? DEFAULT_BASE_POINTS,
    }, c.req.valid('query').format);
  })
  .get('/villages/:villageId/honour-board', allow(RULE), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const year = chinaYear(deps.now());
    // 四德榜 needs moral points and public boards, 诚信榜 credit records and public boards (CONSENT_PLACES).
    const [village, township, households, consenting, creditConsenting, tallies, credits] = await Promise.all([
      findVillage(deps.db, villageId), findTownshipOfVillage(deps.db, villageId), boardHouseholds(deps.db, villageId),
      householdsShownIn(deps.db, villageId, 'honour_board_stars'), householdsShownIn(deps.db, villageId, 'honour_board_credit'),
      boardTallies(deps.db, villageId, year), boardCredits(deps.db, villageId, year),
    ]);
    if (!village) throw notFound('村不存在或不在您的范围内');
    const board = buildHonourBoard({ households, consenting, creditConsenting, tallies, credits, base: township?.basePoints ?? DEFAULT_BASE_POINTS });
    return c.json({ villageName: village.name, townshipName: township?.name ?? '', year, generatedAt: deps.now().toISOString(), ...board }, 200);
  });
