// The typed API client: route and body types come from the server's AppType (type-only import,
// nothing of the server is bundled). Same-origin cookies carry the session.
import { hc } from 'hono/client';
import type { AppType } from '../../../server/app';

export const api = hc<AppType>('/', { init: { credentials: 'same-origin' } }).api;
