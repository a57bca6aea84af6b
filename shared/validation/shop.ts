// Request bodies of the points shop (server/routes/shop/routes.ts; the client sends the same).
import { z } from 'zod';
import { MAX_ITEM_PRICE, MAX_QUANTITY, MAX_STOCK_MOVE, PROOF_KINDS } from '../domain/shop';

const uuid = z.string().uuid();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '照片编号应为 64 位小写十六进制 SHA-256');
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const createItemBody = z.object({
  name: shortText(40),
  unitName: shortText(8).default('件'),
  pointsPrice: z.number().int().min(1).max(MAX_ITEM_PRICE),
});
export const updateItemBody = z.object({
  name: shortText(40).optional(),
  pointsPrice: z.number().int().min(1).max(MAX_ITEM_PRICE).optional(),
  active: z.boolean().optional(),
}).refine((b) => b.name !== undefined || b.pointsPrice !== undefined || b.active !== undefined, '没有要修改的内容');
export const stockMoveBody = z.object({
  /** The client's key for this move (a UUID): a retried request is a no-op. */
  idempotencyKey: uuid,
  itemId: uuid,
  direction: z.enum(['receive', 'write_off']),
  quantity: z.number().int().min(1).max(MAX_STOCK_MOVE),
  reason: z.string().trim().max(200).default(''),
});
export const clerkRedemptionBody = z.object({ id: uuid, householdId: uuid, itemId: uuid, quantity: z.number().int().min(1).max(MAX_QUANTITY) });
export const residentRedemptionBody = z.object({ id: uuid, itemId: uuid, quantity: z.number().int().min(1).max(MAX_QUANTITY) });
export const handOverBody = z.object({ proofKind: z.enum(PROOF_KINDS), proofSha256: sha256 });
export const cancelBody = z.object({ reason: shortText(200) });
export const dayQuery = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });
