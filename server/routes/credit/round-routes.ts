// /api/credit (evaluation rounds, 信用户评定): a round per village; committee members rate every
// household back to back (a rater sees the others' ratings only after submitting their own sheet);
// disagreements are flagged and resolved in discussion; the result is posted with an objection
// window, then fixed. Township staff re-check a sample of households.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv, SessionUser } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, REVIEWERS, STAFF, TOWNSHIP_STAFF } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { canReviewVillage } from '../../access/scope';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { recordAudit } from '../../repositories/audit';
import { findTownshipOfVillage } from '../../repositories/villages';
import {
  findRound, insertRatings, insertRound, insertSample, listCreditRequests, listRatings, listRoundResults, listRounds, listSampleChecks,
  recordSampleCheck, updateRound, upsertRoundResult, villageHouseholds, type RoundRow,
} from '../../repositories/credit';
import { GRADES, type Grade } from '../../../shared/domain/credit-grade';
import {
  checkRating, drawSample, MIN_RATERS, OBJECTION_DAYS_DEFAULT, ratingSpread, tallyHousehold, UNKNOWN_REASONS, type Rating, type UnknownReason,
} from '../../../shared/domain/credit-evaluation';
import type { Queryable } from '../../repositories/queryable';

const uuid = z.uuid();
const grade = z.enum(GRADES);
const roundBody = z.object({ periodLabel: z.string().min(2).max(40) });
const ratingsBody = z.object({
  ratings: z.array(z.object({ householdId: uuid, grade: grade.nullable(), unknownReason: z.enum(UNKNOWN_REASONS).nullable().default(null) })).min(1).max(2000),
});
const resolutionBody = z.object({ householdId: uuid, grade, note: z.string().min(1).max(500) });
const postBody = z.object({ days: z.number().int().min(1).max(60).default(OBJECTION_DAYS_DEFAULT) });
const sampleBody = z.object({ share: z.number().min(0.01).max(1) });
const sampleCheckBody = z.object({ householdId: uuid, grade, note: z.string().max(500).default('') });

const DAY_MS = 86_400_000;

async function loadRound(db: Queryable, id: string): Promise<RoundRow> {
  const r = await findRound(db, id);
  if (!r) throw notFound('评定轮次不存在或不在您的范围内');
  return r;
}

/** The round as one user may see it: others' ratings only after this user submitted (or once posted). */
async function roundView(db: Queryable, round: RoundRow, user: SessionUser) {
  const [households, ratings, results, samples, objections] = await Promise.all([
    villageHouseholds(db, round.villageId), listRatings(db, round.villageId, round.id), listRoundResults(db, round.villageId, round.id),
    listSampleChecks(db, round.villageId, round.id), listCreditRequests(db, round.villageId, { roundId: round.id }),
  ]);
  const raters = [...new Set(ratings.map((r) => r.raterId))];
  const submitted = raters.includes(user.id);
  // An admin of the village rates like a committee member, so is back to back too; township staff
  // oversee (they never rate).
  const open = submitted || round.status !== 'rating' || user.role === 'township';
  const resultBy = new Map(results.map((r) => [r.householdId, r]));
  return {
    round, raters: raters.length, submitted,
    households: households.map((h) => {
      const mine = ratings.find((r) => r.householdId === h.id && r.raterId === user.id) ?? null;
      const all = ratings.filter((r) => r.householdId === h.id);
      const tally = tallyHousehold(all.map((r) => ({ raterId: r.raterId, grade: r.grade as Grade | null, unknownReason: r.unknownReason as UnknownReason | null })));
      const res = resultBy.get(h.id);
      return {
        id: h.id, householdNo: h.household_no, headName: h.head_name, mine,
        // Back to back: nothing of the others' ratings before this rater's own sheet is in.
        tally: open ? { ...tally, spread: ratingSpread(tally) } : null,
        ratings: open ? all.map((r) => ({ grade: r.grade, unknownReason: r.unknownReason })) : null,
        result: res ? { grade: res.grade, flagged: res.flagged, resolutionNote: res.resolutionNote } : null,
      };
    }),
    samples, objections,
  };
}

function assertReviewer(user: SessionUser, villageId: string) {
  if (!canReviewVillage(user, villageId)) throw forbidden('只有本村村委会成员可以评定');
}

export const creditRoundRoutes = new Hono<AppEnv>()
  .get('/villages/:villageId/rounds', allow({ roles: STAFF, scope: 'village' }), async (c) => {
    return c.json({ rounds: await listRounds(c.get('deps').db, [c.req.param('villageId')]) }, 200);
  })
  .post('/villages/:villageId/rounds', allow({ roles: REVIEWERS, scope: 'village' }), jsonBody(roundBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const id = uuidv7();
    await writeTransaction(deps, async (trx) => {
      const open = (await listRounds(trx, [villageId])).find((r) => r.status === 'rating');
      if (open) throw conflict('round_open', '本村已有正在评议的轮次');
      await insertRound(trx, { id, villageId, periodLabel: c.req.valid('json').periodLabel.trim(), by: user.id, now: deps.now().toISOString() });
    });
    return c.json({ round: await findRound(deps.db, id) }, 201);
  })
  .get('/township/rounds', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('deps').db;
    const rounds = await listRounds(db, user.villageIds);
    const villages = user.villageIds.length ? await db.selectFrom('villages').select(['id', 'name']).where('id', 'in', user.villageIds).execute() : [];
    const names = new Map(villages.map((v) => [v.id, v.name]));
    return c.json({ rounds: rounds.map((r) => ({ ...r, villageName: names.get(r.villageId) ?? '' })) }, 200);
  })
  .get('/rounds/:roundId', allow({ roles: STAFF, scope: 'creditRound' }), async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('deps').db;
    return c.json(await roundView(db, await loadRound(db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/ratings', allow({ roles: REVIEWERS, scope: 'creditRound' }), jsonBody(ratingsBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const { ratings } = c.req.valid('json');
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      assertReviewer(user, round.villageId);
      if (round.status !== 'rating') throw conflict('round_closed', '该轮评定已结束，不能再评');
      const existing = await listRatings(trx, round.villageId, round.id);
      if (existing.some((r) => r.raterId === user.id)) throw conflict('already_submitted', '您已提交过本轮评定，不能修改');
      const households = new Set((await villageHouseholds(trx, round.villageId)).map((h) => h.id));
      const given = new Set(ratings.map((r) => r.householdId));
      if (given.size !== ratings.length) throw badRequest('duplicate_household', '同一户只能评一次');
      if ([...given].some((h) => !households.has(h))) throw badRequest('household_unknown', '评定表中有不属于本村的户');
      if (given.size !== households.size) throw badRequest('sheet_incomplete', `请为本村全部 ${households.size} 户评定（不了解的户请选“不了解”并说明原因）`);
      for (const r of ratings) {
        const ok = checkRating(r);
        if (!ok.ok) throw badRequest('invalid_rating', ok.message);
      }
      await insertRatings(trx, round.villageId, round.id, user.id, ratings, deps.now().toISOString());
    });
    const db = deps.db;
    return c.json(await roundView(db, await loadRound(db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/resolutions', allow({ roles: REVIEWERS, scope: 'creditRound' }), jsonBody(resolutionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      assertReviewer(user, round.villageId);
      if (round.status !== 'rating') throw conflict('round_closed', '结果已公示，请通过异议处理更改');
      const ratings = (await listRatings(trx, round.villageId, round.id)).filter((r) => r.householdId === b.householdId);
      const tally = tallyHousehold(ratings.map((r): Rating => ({ raterId: r.raterId, grade: r.grade as Grade | null, unknownReason: r.unknownReason as UnknownReason | null })));
      if (!tally.flagged) throw conflict('not_flagged', '该户评定意见一致，无需讨论');
      await upsertRoundResult(trx, round.villageId, round.id, { householdId: b.householdId, grade: b.grade, flagged: true, note: b.note.trim(), by: user.id, now: deps.now().toISOString() });
    });
    return c.json(await roundView(deps.db, await loadRound(deps.db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/post', allow({ roles: REVIEWERS, scope: 'creditRound' }), jsonBody(postBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const now = deps.now();
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      assertReviewer(user, round.villageId);
      if (round.status !== 'rating') throw conflict('invalid_state', '该轮已公示');
      const ratings = await listRatings(trx, round.villageId, round.id);
      const raters = new Set(ratings.map((r) => r.raterId)).size;
      if (raters < MIN_RATERS) throw conflict('too_few_raters', `至少需要 ${MIN_RATERS} 名村委会成员提交评定表，目前 ${raters} 名`);
      const resolved = new Map((await listRoundResults(trx, round.villageId, round.id)).map((r) => [r.householdId, r]));
      const open: string[] = [];
      for (const h of await villageHouseholds(trx, round.villageId)) {
        const tally = tallyHousehold(ratings.filter((r) => r.householdId === h.id).map((r) => ({ raterId: r.raterId, grade: r.grade as Grade | null, unknownReason: r.unknownReason as UnknownReason | null })));
        if (tally.flagged && !resolved.has(h.id)) { open.push(h.household_no); continue; }
        if (!tally.flagged) await upsertRoundResult(trx, round.villageId, round.id, { householdId: h.id, grade: tally.result ?? 'none', flagged: false, note: '', by: null, now: now.toISOString() });
      }
      if (open.length) throw conflict('disagreements_open', `以下户的评定意见不一致，须先讨论确定：${open.slice(0, 10).join('、')}`);
      await updateRound(trx, round.villageId, round.id, 'rating', {
        status: 'posted', posted_at: now.toISOString(), objection_ends_at: new Date(now.getTime() + c.req.valid('json').days * DAY_MS).toISOString(),
      });
    });
    return c.json(await roundView(deps.db, await loadRound(deps.db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/fix', allow({ roles: REVIEWERS, scope: 'creditRound' }), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const now = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      assertReviewer(user, round.villageId);
      if (round.status !== 'posted') throw conflict('invalid_state', '只有公示中的轮次可以确定');
      if (round.objectionEndsAt && round.objectionEndsAt > now) throw conflict('window_open', `公示期至 ${round.objectionEndsAt.slice(0, 10)}，期满后才能确定`);
      const pending = await listCreditRequests(trx, round.villageId, { roundId: round.id, status: 'pending' });
      if (pending.length) throw conflict('objections_pending', `还有 ${pending.length} 条异议未处理`);
      await updateRound(trx, round.villageId, round.id, 'posted', { status: 'fixed', fixed_at: now });
    });
    return c.json(await roundView(deps.db, await loadRound(deps.db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/sample', allow({ roles: TOWNSHIP_STAFF, scope: 'creditRound' }), jsonBody(sampleBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      if (round.status === 'rating') throw conflict('invalid_state', '评定结果公示后才能抽查');
      if (round.sampleShare !== null) throw conflict('sample_drawn', '本轮已抽取抽查样本');
      const results = await listRoundResults(trx, round.villageId, round.id);
      const share = c.req.valid('json').share;
      const picked = drawSample(results.map((r) => r.householdId), share, round.id);
      await insertSample(trx, round.villageId, round.id, picked);
      await updateRound(trx, round.villageId, round.id, round.status, { sample_share: share });
      const township = await findTownshipOfVillage(trx, round.villageId);
      await recordAudit(trx, { townshipId: township?.id ?? '', villageId: round.villageId, actorId: user.id, action: 'credit.sample_drawn', subjectKind: 'credit_round', subjectId: round.id, rowCount: picked.length, detail: { share }, at });
    });
    return c.json(await roundView(deps.db, await loadRound(deps.db, c.req.param('roundId')), user), 200);
  })
  .post('/rounds/:roundId/sample-checks', allow({ roles: TOWNSHIP_STAFF, scope: 'creditRound' }), jsonBody(sampleCheckBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const round = await loadRound(trx, c.req.param('roundId'));
      const result = (await listRoundResults(trx, round.villageId, round.id)).find((r) => r.householdId === b.householdId);
      if (!result) throw notFound('该户不在本轮评定结果中');
      const ok = await recordSampleCheck(trx, round.villageId, round.id, { householdId: b.householdId, grade: b.grade, agrees: b.grade === result.grade, note: b.note.trim(), by: user.id, at });
      if (!ok) throw conflict('not_sampled', '该户不在抽查样本中');
    });
    return c.json(await roundView(deps.db, await loadRound(deps.db, c.req.param('roundId')), user), 200);
  });
