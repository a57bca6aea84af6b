// /api/credit/township: what a township maintains for the credit ledger: the list of credit kinds,
// the grade rules (versioned: a new version applies from a date and is never edited once saved),
// and the 信易+ perks catalogue per grade. Township staff and admins of the township only.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { badRequest } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { recordAudit } from '../../repositories/audit';
import { recordChanges } from '../../db/changes';
import { scopeOfTownship } from '../../../shared/protocol/sync';
import { creditKindIds, insertGradeRules, listCreditKinds, listGradeRules, listPerks, upsertCreditKind, upsertPerk, DEFAULT_RULES_VERSION } from '../../repositories/credit';
import { CREDIT_SOURCES } from '../../../shared/domain/credit';
import { checkGradeRules } from '../../../shared/domain/credit-grade';
import { chinaToday } from '../clock';

const rated = z.enum(['AAA', 'AA', 'A']);
const kindBody = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), nameZh: z.string().min(2).max(40), nameEn: z.string().min(2).max(80),
  negative: z.boolean(), documentRequired: z.boolean(), sources: z.array(z.enum(CREDIT_SOURCES)).min(1), active: z.boolean().default(true), sort: z.number().int().min(0).max(10_000).default(100),
});
const rulesBody = z.object({
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), note: z.string().max(200).default(''),
  rules: z.object({
    kindPoints: z.record(z.string().max(40), z.number().int().min(0).max(100)), defaultPoints: z.number().int().min(0).max(100),
    positiveYears: z.number().int(), repairMinMonths: z.number().int(),
    levels: z.array(z.object({ grade: rated, minScore: z.number().int(), minEvaluation: rated.nullable(), maxNegative: z.number().int() })).min(1).max(3),
  }),
});
const perkBody = z.object({
  id: z.string().max(40).optional(), minGrade: rated, name: z.string().min(2).max(80), provider: z.string().min(2).max(80),
  conditions: z.string().max(300).default(''), active: z.boolean().default(true),
});

export const creditTownshipRoutes = new Hono<AppEnv>()
  .get('/kinds', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json({ kinds: await listCreditKinds(c.get('deps').db, townshipId) }, 200);
  })
  .post('/kinds', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(kindBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const k = c.req.valid('json');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      await upsertCreditKind(trx, townshipId, k, at);
      // The township's phones pull its list (entity creditKind); the first change writes the defaults too.
      await recordChanges(trx, scopeOfTownship(townshipId), 'creditKind', await creditKindIds(trx, townshipId));
      await recordAudit(trx, { townshipId, actorId: user.id, action: 'credit.kind_saved', subjectKind: 'credit_kind', subjectId: k.code, at });
    });
    return c.json({ kinds: await listCreditKinds(deps.db, townshipId) }, 200);
  })
  .get('/grade-rules', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    const versions = await listGradeRules(c.get('deps').db, townshipId);
    return c.json({ versions: [...versions, DEFAULT_RULES_VERSION] }, 200);
  })
  .post('/grade-rules', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(rulesBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const checked = checkGradeRules(b.rules);
    if (!checked.ok) throw badRequest('invalid_rules', checked.message);
    // Never retroactive: a grade already explained to a household is not re-explained by new rules.
    if (b.effectiveFrom < chinaToday(deps.now())) throw badRequest('retroactive', '新规则只能从今天或以后生效');
    const at = deps.now().toISOString();
    const version = await writeTransaction(deps, async (trx) => {
      const v = await insertGradeRules(trx, townshipId, { effectiveFrom: b.effectiveFrom, rules: b.rules, note: b.note.trim(), by: user.id, now: at });
      await recordAudit(trx, { townshipId, actorId: user.id, action: 'credit.grade_rules_saved', subjectKind: 'credit_grade_rules', subjectId: String(v), at });
      return v;
    });
    return c.json({ version, versions: [...await listGradeRules(deps.db, townshipId), DEFAULT_RULES_VERSION] }, 201);
  })
  .get('/perks', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json({ perks: await listPerks(c.get('deps').db, townshipId) }, 200);
  })
  .post('/perks', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(perkBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const id = await upsertPerk(trx, townshipId, c.req.valid('json'), at);
      await recordAudit(trx, { townshipId, actorId: user.id, action: 'credit.perk_saved', subjectKind: 'credit_perk', subjectId: id, at });
    });
    return c.json({ perks: await listPerks(deps.db, townshipId) }, 200);
  });
