// /api/villages/:villageId/notices: list the village's notice windows, preview and open a new one
// (publicize the approved entries of a period); the village's notice setting; its objections.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { conflict } from '../../http/errors';
import { jsonBody, queryParams } from '../../http/validate';
import { findTownshipOfVillage } from '../../repositories/villages';
import { insertNotice, listNoticesOfVillage } from '../../repositories/notices';
import { listEntryIdsInState } from '../../repositories/entries';
import { transitionEntries } from '../../repositories/entry-events';
import { countApprovedForNotice, findNamesOnDeductions, insertNoticeLink, saveNamesOnDeductions } from '../../repositories/notice-details';
import { listObjectionsOfVillage } from '../../repositories/objections';
import { NOTICE_DAYS_MAX, NOTICE_DAYS_MIN, noticeDays, noticeEndsAt } from '../../../shared/domain/notice';
import { settleDueNotices } from './settle';
import { hashToken, noticeLinkToken } from './link-token';
import { toObjectionDto } from '../objections/dto';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const days = z.number().int().min(NOTICE_DAYS_MIN).max(NOTICE_DAYS_MAX);
const publicizeBody = z.object({ days: days.optional(), periodFrom: date.optional(), periodTo: date.optional() });
const previewQuery = z.object({ days: z.coerce.number().int().min(NOTICE_DAYS_MIN).max(NOTICE_DAYS_MAX).optional(), periodFrom: date.optional(), periodTo: date.optional() });
const settingsBody = z.object({ namesOnDeductions: z.boolean() });
const objectionsQuery = z.object({ status: z.enum(['pending', 'upheld', 'dismissed', 'amended']).optional() });
const OBJECTION_PAGE = 200;

export const noticeRoutes = new Hono<AppEnv>()
  .get('/:villageId/notices', allow({ roles: ['committee', 'admin', 'township'], scope: 'village' }), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    await settleDueNotices(deps, deps.now(), villageId);
    return c.json({ notices: await listNoticesOfVillage(deps.db, villageId) }, 200);
  })
  // What a new notice would take, for the publish dialog to say before the committee confirms.
  .get('/:villageId/notices/preview', allow({ roles: REVIEWERS, scope: 'village' }), queryParams(previewQuery), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const q = c.req.valid('query');
    const township = await findTownshipOfVillage(deps.db, villageId);
    const n = noticeDays(q.days, township?.noticeDays);
    const counts = await countApprovedForNotice(deps.db, villageId, { from: q.periodFrom, to: q.periodTo });
    return c.json({ entryCount: counts.entries, householdCount: counts.households, days: n, endsAt: noticeEndsAt(deps.now(), n).toISOString() }, 200);
  })
  .post('/:villageId/notices', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(publicizeBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const body = c.req.valid('json');
    const township = await findTownshipOfVillage(deps.db, villageId);
    const now = deps.now();
    const notice = {
      id: uuidv7(), villageId, createdBy: user.id,
      startsAt: now.toISOString(),
      endsAt: noticeEndsAt(now, noticeDays(body.days, township?.noticeDays)).toISOString(),
    };
    const entryCount = await writeTransaction(deps, async (trx) => {
      // Locked on PostgreSQL: a second publicize running at the same time finds nothing left.
      const ids = await listEntryIdsInState(trx, villageId, 'approved', { lock: true, occurredFrom: body.periodFrom, occurredTo: body.periodTo });
      if (ids.length === 0) throw conflict('nothing_to_publicize', '没有待公示的已审核记录');
      await insertNotice(trx, notice);
      await insertNoticeLink(trx, { noticeId: notice.id, tokenHash: hashToken(noticeLinkToken(deps.pii, notice.id)), periodFrom: body.periodFrom ?? null, periodTo: body.periodTo ?? null });
      await transitionEntries(trx, {
        villageId, entryIds: ids, from: 'approved', event: 'publicize', actor: 'committee', actorId: user.id, reason: '', at: notice.startsAt, noticeId: notice.id,
      });
      return ids.length;
    });
    return c.json({ notice: { ...notice, status: 'open', createdAt: notice.startsAt, entryCount }, entryCount }, 201);
  })
  .get('/:villageId/notice-settings', allow({ roles: ['committee', 'admin', 'township'], scope: 'village' }), async (c) => {
    const deps = c.get('deps');
    return c.json({ namesOnDeductions: await findNamesOnDeductions(deps.db, c.req.param('villageId')) }, 200);
  })
  // The village's rules (村规民约) decide whether deduction rows of a printed notice carry names.
  .put('/:villageId/notice-settings', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(settingsBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { namesOnDeductions } = c.req.valid('json');
    await saveNamesOnDeductions(deps.db, c.req.param('villageId'), namesOnDeductions, user.id, deps.now().toISOString());
    return c.json({ namesOnDeductions }, 200);
  })
  .get('/:villageId/objections', allow({ roles: ['committee', 'admin', 'township'], scope: 'village' }), queryParams(objectionsQuery), async (c) => {
    const deps = c.get('deps');
    const { status } = c.req.valid('query');
    const rows = await listObjectionsOfVillage(deps.db, c.req.param('villageId'), { status, limit: OBJECTION_PAGE });
    return c.json({ objections: rows.map((r) => toObjectionDto(r, { staff: true })) }, 200);
  });
