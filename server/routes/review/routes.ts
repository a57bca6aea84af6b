// /api/review: the committee's queue of submitted entries and its decisions.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { findEntry, listSubmittedEntries } from '../../repositories/entries';
import { countApprovals, insertEvents, listApprovers, transitionEntries } from '../../repositories/entry-events';
import { settleDueNotices } from '../notices/settle';
import { approvalsNeeded, decide } from './decide';
import type { ReviewItem } from '../dto';
import { withEvidence } from '../evidence/attach';

const decisionBody = z.object({
  decision: z.enum(['approve', 'reject', 'return']),
  reason: z.string().max(500).default(''),
});

export const reviewRoutes = new Hono<AppEnv>()
  .get('/queue', allow({ roles: REVIEWERS, scope: 'village', villageFrom: 'query' }), async (c) => {
    const deps = c.get('deps');
    const villageId = c.req.query('villageId') ?? '';
    await settleDueNotices(deps, deps.now(), villageId);
    const rows = await listSubmittedEntries(deps.db, villageId);
    const approvals = await countApprovals(deps.db, rows.map((r) => r.id));
    const entries: ReviewItem[] = await withEvidence(deps.db, rows.map((r) => ({ ...r, approvals: approvals.get(r.id) ?? 0, approvalsNeeded: approvalsNeeded(r) })));
    return c.json({ entries }, 200);
  })
  .post('/entries/:entryId/decisions', allow({ roles: REVIEWERS, scope: 'entry' }), jsonBody(decisionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { decision, reason } = c.req.valid('json');
    const at = deps.now().toISOString();
    const result = await writeTransaction(deps, async (trx) => {
      // Locked on PostgreSQL so that two approvers deciding at once are serialised.
      const entry = await findEntry(trx, c.req.param('entryId'), { lock: true });
      if (!entry) throw notFound('记录不存在或不在您的范围内');
      const approvers = await listApprovers(trx, entry.id);
      const outcome = decide(entry, approvers, user.id, decision, reason);
      if (outcome.kind === 'first_approval') {
        await insertEvents(trx, [{ entryId: entry.id, villageId: entry.villageId, fromState: 'submitted', toState: 'submitted', actorId: user.id, reason: reason.trim() || '第一审核人同意', at }]);
        return { entry, approvals: approvers.length + 1 };
      }
      await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: 'submitted', to: outcome.to, actorId: user.id, reason: reason.trim(), at });
      return { entry: { ...entry, state: outcome.to }, approvals: approvers.length + (decision === 'approve' ? 1 : 0) };
    });
    return c.json({ entry: result.entry, approvals: result.approvals, approvalsNeeded: approvalsNeeded(result.entry) }, 200);
  });
