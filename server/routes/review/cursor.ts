// The review queue's page cursor: the (created_at, id) of the last entry of a page, as opaque
// base64url text. Keyset paging stays fast however deep the backlog (no OFFSET).
import type { QueueCursor } from '../../repositories/review';

export const encodeCursor = (e: { createdAt: string; id: string }): string =>
  Buffer.from(`${e.createdAt}|${e.id}`, 'utf8').toString('base64url');

export function decodeCursor(text: string): QueueCursor | null {
  const [createdAt, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
