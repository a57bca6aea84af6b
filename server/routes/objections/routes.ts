// /api/objections: the committee resolves an objection; a resident follows the ones they filed.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { jsonBody } from '../../http/validate';
import { resolveObjection } from './resolve';
import { findObjection, listObjectionsFiledByHousehold } from '../../repositories/objections';
import { toObjectionDto } from './dto';
import { OBJECTION_RESOLUTIONS } from '../../../shared/domain/notice';

const resolveBody = z.object({ resolution: z.enum(OBJECTION_RESOLUTIONS), reason: z.string().max(2000), points: z.number().int().optional() });

export const objectionRoutes = new Hono<AppEnv>()
  .get('/mine', allow({ roles: ['resident'], scope: 'self' }), async (c) => {
    const user = requireUser(c.get('user'));
    const rows = user.householdId ? await listObjectionsFiledByHousehold(c.get('deps').db, user.householdId, 100) : [];
    return c.json({ objections: rows.map((r) => toObjectionDto(r, { staff: false })) }, 200);
  })
  .post('/:objectionId/resolution', allow({ roles: REVIEWERS, scope: 'objection' }), jsonBody(resolveBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const id = c.req.param('objectionId');
    const r = await resolveObjection(deps, user, id, c.req.valid('json'));
    const objection = await findObjection(deps.db, id);
    return c.json({ objection: objection && toObjectionDto(objection, { staff: true }), entryState: r.entryState, replacementEntryId: r.replacementEntryId }, 200);
  });
