// /api/notices/:noticeId: one notice with its households and entries (the sheet prints it) and its
// QR link, for staff; a resident of the village files objections to its entries here.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { jsonBody } from '../../http/validate';
import { loadNoticeDetail, objectionPathOf } from './detail';
import { fileObjection } from '../objections/file';
import { notFound } from '../../http/errors';

const fileBody = z.object({ entryId: z.string().min(1).max(64), grounds: z.string().max(2000) });

export const noticeDetailRoutes = new Hono<AppEnv>()
  .get('/:noticeId', allow({ roles: ['committee', 'admin', 'township', 'resident'], scope: 'notice' }), async (c) => {
    const deps = c.get('deps');
    const user = requireUser(c.get('user'));
    const detail = await loadNoticeDetail(deps, c.req.param('noticeId'));
    // The link (its token) is for staff to print; a resident objects while logged in.
    const objectionPath = user.role === 'resident' ? null : await objectionPathOf(deps, detail.notice.id);
    return c.json({ ...detail, objectionPath }, 200);
  })
  .post('/:noticeId/objections', allow({ roles: ['resident'], scope: 'notice' }), jsonBody(fileBody), async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.householdId) throw notFound('未关联农户');
    const body = c.req.valid('json');
    const r = await fileObjection(c.get('deps'), {
      noticeId: c.req.param('noticeId'), entryId: body.entryId, grounds: body.grounds,
      filer: { kind: 'resident', userId: user.id, householdId: user.householdId },
    });
    return c.json({ objection: { id: r.id, status: 'pending', createdAt: r.createdAt } }, 201);
  });
