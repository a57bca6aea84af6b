// /api/public: what the notice's QR link opens, without a login. The token in the path (144 bits,
// stored hashed) is the only key: it shows that one notice and files objections to its entries; a
// filer follows their objection with the receipt token the filing returned.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow } from '../../access/rules';
import { jsonBody } from '../../http/validate';
import { notFound } from '../../http/errors';
import { findNoticeIdByTokenHash } from '../../repositories/notice-details';
import { findObjectionByReceipt } from '../../repositories/objections';
import { findNotice } from '../../repositories/notices';
import { loadNoticeDetail } from '../notices/detail';
import { hashToken, isWellFormedToken, receiptPagePath } from '../notices/link-token';
import { fileObjection, validateFiler } from './file';
import { toObjectionDto } from './dto';
import type { Queryable } from '../../repositories/queryable';
import { AppError } from '../../http/errors';
import { clientAddress } from '../../http/client-address';
import { addFailure, countRecentFailures } from '../../repositories/login-attempts';

/**
 * Filings through the link per client address and quarter hour. Generous (a village office or a
 * carrier's NAT puts many people behind one address) but it stops a script from burying the
 * committee's list. Counted in the login-attempts table, so several server processes share it.
 */
export const MAX_LINK_FILINGS_PER_ADDRESS = 30;
const FILING_WINDOW_MS = 15 * 60 * 1000;

const fileBody = z.object({
  entryId: z.string().min(1).max(64), grounds: z.string().max(2000),
  name: z.string().max(200).optional(), phone: z.string().max(40).optional(),
});

async function noticeOfToken(db: Queryable, token: string): Promise<string> {
  const id = isWellFormedToken(token) ? await findNoticeIdByTokenHash(db, hashToken(token)) : null;
  if (!id) throw notFound('链接无效，或该公示不存在');
  return id;
}

export const publicObjectionRoutes = new Hono<AppEnv>()
  .get('/notices/:token', allow({ roles: [], scope: 'public' }), async (c) => {
    const deps = c.get('deps');
    const detail = await loadNoticeDetail(deps, await noticeOfToken(deps.db, c.req.param('token')));
    // The public page does not show objection counts (who objected to whom is the committee's).
    const { objections: _counts, ...notice } = detail.notice;
    return c.json({ notice, households: detail.households }, 200);
  })
  .post('/notices/:token/objections', allow({ roles: [], scope: 'public' }), jsonBody(fileBody), async (c) => {
    const deps = c.get('deps');
    const noticeId = await noticeOfToken(deps.db, c.req.param('token'));
    const body = c.req.valid('json');
    const filer = validateFiler(body);
    const key = `objection-ip:${clientAddress(c)}`;
    const now = deps.now();
    const since = new Date(now.getTime() - FILING_WINDOW_MS).toISOString();
    if ((await countRecentFailures(deps.db, key, since)) >= MAX_LINK_FILINGS_PER_ADDRESS) {
      throw new AppError(429, 'too_many_objections', '提交过于频繁，请稍后再试，或直接向村委会反映');
    }
    await addFailure(deps.db, key, now.toISOString(), since);
    const r = await fileObjection(deps, { noticeId, entryId: body.entryId, grounds: body.grounds, filer: { kind: 'link', ...filer } });
    return c.json({ objection: { id: r.id, status: 'pending', createdAt: r.createdAt }, receipt: r.receipt, receiptPath: receiptPagePath(r.receipt!) }, 201);
  })
  .get('/objections/:receipt', allow({ roles: [], scope: 'public' }), async (c) => {
    const deps = c.get('deps');
    const receipt = c.req.param('receipt');
    const o = isWellFormedToken(receipt) ? await findObjectionByReceipt(deps.db, hashToken(receipt)) : null;
    if (!o) throw notFound('回执无效，或该异议不存在');
    const notice = await findNotice(deps.db, o.noticeId);
    const detail = await loadNoticeDetail(deps, o.noticeId);
    const entry = detail.households.flatMap((h) => h.entries.map((e) => ({ ...e, householdNo: h.householdNo }))).find((e) => e.entryId === o.entryId);
    return c.json({
      objection: toObjectionDto(o, { staff: false }),
      entry: entry ? { householdNo: entry.householdNo, indicatorNameZh: entry.indicatorNameZh, points: entry.points, occurredOn: entry.occurredOn } : null,
      notice: { villageName: detail.notice.villageName, endsAt: notice?.endsAt ?? detail.notice.endsAt },
    }, 200);
  });
