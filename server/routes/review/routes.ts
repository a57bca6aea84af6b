// /api/review: the committee's paged queue of submitted entries, its decisions (one by one and in
// a batch), and an entry's full history. Every state change goes through the shared transition
// table (decide.ts, transitionEntries).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, REVIEWERS, STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { badRequest, notFound } from '../../http/errors';
import { jsonBody, queryParams } from '../../http/validate';
import { insertEvents, transitionEntries } from '../../repositories/entry-events';
import {
  countQueue, findEntriesByIds, findEntryForReview, listApproversOf, listEventsOfEntry, listQueuePage, listReversalsOf,
  listRevisionsOfEntry, setBasis,
} from '../../repositories/review';
import { settleDueNotices } from '../notices/settle';
import { BASIS_KINDS, BASIS_TEXT_MAX, MAX_BATCH_APPROVALS, isDeduction } from '../../../shared/domain/review-rules';
import { approvalsNeeded, decide } from './decide';
import { decodeCursor, encodeCursor } from './cursor';
import { approveBatch } from './batch';
import type { EntryHistory, ReviewItem } from '../dto';
import { withEvidence } from '../evidence/attach';
import { evidenceOf } from '../../repositories/evidence';
import { findHousehold } from '../../repositories/households';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const uuid = z.uuid();
export const QUEUE_PAGE_DEFAULT = 30;
export const QUEUE_PAGE_MAX = 100;

const queueQuery = z.object({
  villageId: uuid,
  indicator: z.string().min(1).max(40).optional(),
  recorderId: uuid.optional(),
  householdId: uuid.optional(),
  from: date.optional(),
  to: date.optional(),
  sign: z.enum(['deduction', 'positive']).optional(),
  /** 'yes': only entries with photo evidence; 'no': only those without. */
  evidence: z.enum(['yes', 'no']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE_MAX).optional(),
});

const basisSchema = z.object({ kind: z.enum(BASIS_KINDS), text: z.string().max(BASIS_TEXT_MAX) });
const decisionBody = z.object({
  decision: z.enum(['approve', 'reject', 'return']),
  reason: z.string().max(500).default(''),
  basis: basisSchema.nullable().optional(),
});
const batchBody = z.object({ entryIds: z.array(uuid).min(1).max(MAX_BATCH_APPROVALS) });

export const reviewRoutes = new Hono<AppEnv>()
  .get('/queue', allow({ roles: REVIEWERS, scope: 'village', villageFrom: 'query' }), queryParams(queueQuery), async (c) => {
    const deps = c.get('deps');
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !after) throw badRequest('invalid_cursor', '分页位置无效，请从第一页重新加载');
    await settleDueNotices(deps, deps.now(), q.villageId);
    const limit = q.limit ?? QUEUE_PAGE_DEFAULT;
    // One row more than asked tells whether another page follows.
    const rows = await listQueuePage(deps.db, {
      villageId: q.villageId, indicatorCode: q.indicator, recorderId: q.recorderId, householdId: q.householdId,
      from: q.from, to: q.to, sign: q.sign, hasEvidence: q.evidence === undefined ? undefined : q.evidence === 'yes',
    }, after, limit + 1);
    const page = rows.slice(0, limit);
    const [approvers, originals, total] = await Promise.all([
      listApproversOf(deps.db, page.map((r) => r.id)),
      findEntriesByIds(deps.db, page.flatMap((r) => (r.reverses ? [r.reverses] : []))),
      countQueue(deps.db, q.villageId),
    ]);
    const entries: ReviewItem[] = (await withEvidence(deps.db, page)).map((r) => {
      const ids = approvers.get(r.id) ?? [];
      const original = r.reverses ? originals.get(r.reverses) : undefined;
      return {
        ...r, approvals: ids.length, approverIds: ids, approvalsNeeded: approvalsNeeded(r), isDeduction: isDeduction(r),
        reversesEntry: original ? { id: original.id, indicatorNameZh: original.indicatorNameZh, points: original.points, occurredOn: original.occurredOn, state: original.state } : null,
      };
    });
    const last = page.at(-1);
    return c.json({ entries, nextCursor: rows.length > limit && last ? encodeCursor(last) : null, total }, 200);
  })
  .post('/entries/:entryId/decisions', allow({ roles: REVIEWERS, scope: 'entry' }), jsonBody(decisionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { decision, reason, basis } = c.req.valid('json');
    const at = deps.now().toISOString();
    const result = await writeTransaction(deps, async (trx) => {
      // Locked on PostgreSQL so that two approvers deciding at once are serialised.
      const entry = await findEntryForReview(trx, c.req.param('entryId'));
      if (!entry) throw notFound('记录不存在或不在您的范围内');
      const approvers = (await listApproversOf(trx, [entry.id])).get(entry.id) ?? [];
      // Guardrail 2: a deduction's evidence is its photos or the collector's written account.
      const photos = (await evidenceOf(trx, 'entry', [entry.id])).get(entry.id) ?? [];
      const outcome = decide({ ...entry, evidence: photos }, approvers, user.id, decision, reason, basis ?? null);
      if (outcome.basis && !entry.basis) await setBasis(trx, entry.id, outcome.basis);
      if (outcome.kind === 'first_approval') {
        await insertEvents(trx, [{ entryId: entry.id, villageId: entry.villageId, fromState: 'submitted', toState: 'submitted', actorId: user.id, reason: reason.trim() || '第一审核人同意', at }]);
        return { entry: { ...entry, basis: outcome.basis }, approvals: approvers.length + 1 };
      }
      const to = await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: entry.state, event: decision, actor: 'committee', actorId: user.id, reason: reason.trim(), at });
      return { entry: { ...entry, state: to, stateReason: reason.trim(), basis: outcome.basis }, approvals: approvers.length + (decision === 'approve' ? 1 : 0) };
    });
    return c.json({ entry: result.entry, approvals: result.approvals, approvalsNeeded: approvalsNeeded(result.entry) }, 200);
  })
  .post('/batch-approve', allow({ roles: REVIEWERS, scope: 'village', villageFrom: 'query' }), queryParams(z.object({ villageId: uuid })), jsonBody(batchBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { villageId } = c.req.valid('query');
    const results = await approveBatch(deps, user.id, villageId, c.req.valid('json').entryIds);
    return c.json({ results, approved: results.filter((r) => r.status === 'approved').length }, 200);
  })
  .get('/entries/:entryId/history', allow({ roles: STAFF, scope: 'entry' }), async (c) => {
    const deps = c.get('deps');
    const entry = await findEntryForReview(deps.db, c.req.param('entryId'));
    if (!entry) throw notFound('记录不存在或不在您的范围内');
    const [events, revisions, reversedBy, original, named, household, [withPhotos]] = await Promise.all([
      listEventsOfEntry(deps.db, entry.id),
      listRevisionsOfEntry(deps.db, entry.id),
      listReversalsOf(deps.db, entry.id),
      entry.reverses ? findEntriesByIds(deps.db, [entry.reverses]) : Promise.resolve(new Map()),
      findEntriesByIds(deps.db, [entry.id]),
      findHousehold(deps.db, entry.householdId),
      withEvidence(deps.db, [entry]),
    ]);
    const body: EntryHistory = {
      entry: {
        ...withPhotos, indicatorNameZh: named.get(entry.id)?.indicatorNameZh ?? entry.indicatorCode,
        householdNo: household?.householdNo ?? '', headName: household?.headName ?? '',
      },
      events, revisions, reversedBy, reverses: entry.reverses ? original.get(entry.reverses) ?? null : null,
      approvalsNeeded: approvalsNeeded(entry),
    };
    return c.json(body, 200);
  });
