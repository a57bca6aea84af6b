// /api/villages/:villageId/notices: list the village's notice windows, and publicize every approved
// entry in a new one.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { conflict } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { findTownshipOfVillage } from '../../repositories/villages';
import { insertNotice, listNoticesOfVillage } from '../../repositories/notices';
import { listEntryIdsInState } from '../../repositories/entries';
import { transitionEntries } from '../../repositories/entry-events';
import { settleDueNotices } from './settle';

const DAY_MS = 24 * 3600 * 1000;
const publicizeBody = z.object({ days: z.number().int().min(1).max(60).optional() });

export const noticeRoutes = new Hono<AppEnv>()
  .get('/:villageId/notices', allow({ roles: ['committee', 'admin', 'township'], scope: 'village' }), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    await settleDueNotices(deps, deps.now(), villageId);
    return c.json({ notices: await listNoticesOfVillage(deps.db, villageId) }, 200);
  })
  .post('/:villageId/notices', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(publicizeBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const { days } = c.req.valid('json');
    const township = await findTownshipOfVillage(deps.db, villageId);
    const now = deps.now();
    const notice = {
      id: uuidv7(), villageId, createdBy: user.id,
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + (days ?? township?.noticeDays ?? 7) * DAY_MS).toISOString(),
    };
    const entryCount = await writeTransaction(deps, async (trx) => {
      // Locked on PostgreSQL: a second publicize running at the same time finds nothing left.
      const ids = await listEntryIdsInState(trx, villageId, 'approved', { lock: true });
      if (ids.length === 0) throw conflict('nothing_to_publicize', '没有待公示的已审核记录');
      await insertNotice(trx, notice);
      await transitionEntries(trx, {
        villageId, entryIds: ids, from: 'approved', event: 'publicize', actor: 'committee', actorId: user.id, reason: '', at: notice.startsAt, noticeId: notice.id,
      });
      return ids.length;
    });
    return c.json({ notice: { ...notice, status: 'open', createdAt: notice.startsAt, entryCount }, entryCount }, 201);
  });
