// A DELIBERATELY BROKEN server, for the crash harness only (crash.test.ts): the real app, booted
// like server/main.ts (same database, migrations, demo seed), with a wrapper in front of
// POST /api/sync that gives every mutation a fresh `id` and every entry.create a fresh
// `payload.entryId` before the app sees it, and maps the answers back to the phone's ids. The phone
// sees a normal server; but a batch replayed after a lost answer is new to the server and stores a
// second row. The harness must notice that: proof that it can fail.
//
// Run: PORT=… DATA_DIR=… node --import tsx server/test/crash-harness/non-idempotent-main.ts
import { serve } from '@hono/node-server';
import { uuidv7 } from 'uuidv7';
import { loadConfig } from '../../config';
import { openServerDeps } from '../../boot';
import { createApp } from '../../app';
import { seedDemoIfEmpty } from '../../seed/demo';

interface WireMutation { id?: unknown; kind?: unknown; payload?: Record<string, unknown> }
interface WireResult { id: string }

/** Rewrites ids on the way in, maps them back on the way out. */
function forgetIds(inner: (req: Request) => Response | Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (req.method !== 'POST' || url.pathname !== '/api/sync') return inner(req);
    let body: { mutations?: unknown };
    try {
      body = (await req.json()) as { mutations?: unknown };
    } catch {
      return Response.json({ error: { code: 'invalid_json', message: 'bad json' } }, { status: 400 });
    }
    const back = new Map<string, string>();
    if (Array.isArray(body.mutations)) {
      body.mutations = (body.mutations as WireMutation[]).map((m) => {
        const fresh = uuidv7();
        if (typeof m.id === 'string') back.set(fresh, m.id);
        const payload = m.kind === 'entry.create' && m.payload ? { ...m.payload, entryId: uuidv7() } : m.payload;
        return { ...m, id: fresh, payload };
      });
    }
    const headers = new Headers(req.headers);
    headers.delete('content-length');
    headers.delete('accept-encoding'); // a plain JSON answer, so that its ids can be mapped back
    const res = await inner(new Request(req.url, { method: 'POST', headers, body: JSON.stringify(body) }));
    if (!res.ok) return res;
    const answer = (await res.json()) as { results?: WireResult[] };
    answer.results = (answer.results ?? []).map((r) => ({ ...r, id: back.get(r.id) ?? r.id }));
    return Response.json(answer, { status: res.status });
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { deps } = await openServerDeps(config);
  await seedDemoIfEmpty(deps);
  const app = createApp(deps);
  serve({ fetch: forgetIds((req) => app.fetch(req)), port: config.port, hostname: config.host }, (info) => {
    console.log(`non-idempotent Cunxin variant is running on port ${info.port}`);
  });
}

main().catch((err) => {
  console.error('failed to start:', err);
  process.exit(1);
});
