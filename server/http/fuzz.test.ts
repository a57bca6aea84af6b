// Hostile input (security.md "Tests that show it"): thousands of random and malformed requests —
// wrong types, deep nesting, huge strings, lone surrogates, control and bidi characters, invalid
// JSON, wrong content types, oversized bodies, garbage headers and queries — across every route of
// the route table (server/access/rules.ts routeRules, plus /metrics and unknown paths), as every
// role. Nothing may answer 5xx, every error must be `{ error: { code, message } }`, and the app
// must still answer afterwards. Inputs that once failed are replayed first (REGRESSIONS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../test/fixtures';
import { routeRules } from '../access/rules';
import { body, encodeBytes, headers, queryString, segment, syncish, type FuzzRequest } from '../test/fuzz/requests';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

const CALLERS: (FixtureUser | null)[] = [null, 'admin', 'township', 'committee', 'collector', 'resident'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
/** Runs per dialect: SQLite carries the bulk, PostgreSQL the same generator with fewer cases. */
const RUNS: Record<string, number> = { sqlite: 2000, postgres: 800 };

/** Inputs found failing once, kept so they stay fixed. */
const REGRESSIONS: FuzzRequest[] = [
  // PostgreSQL refused a NUL in the entry id of the path ("invalid byte sequence"): was a 500.
  { method: 'POST', path: '/api/review/entries/jj%00r%7C%7B/decisions', query: '', headers: { 'content-type': 'application/problem+json', 'x-forwarded-proto': 'https', authorization: 'Bearer x' }, body: undefined, caller: 1 },
  { method: 'GET', path: '/api/households/%00', query: '', headers: {}, body: undefined, caller: 4 },
  { method: 'GET', path: '/api/review/queue', query: '?villageId=%00', headers: {}, body: undefined, caller: 3 },
];


async function check(fx: Fixture, cookies: (string | null)[], r: FuzzRequest): Promise<string | null> {
  const hdrs: Record<string, string> = { ...r.headers };
  // Logout revokes the session it is sent with: it gets a session of its own, the others stay valid.
  const caller = CALLERS[r.caller];
  const cookie = r.path.startsWith('/api/auth/logout') && caller ? await fx.cookie(caller) : cookies[r.caller];
  if (cookie) hdrs.cookie = hdrs.cookie ? `${hdrs.cookie}; ${cookie}` : cookie;
  for (const k of ['content-type', 'cookie']) if (hdrs[k] === '') delete hdrs[k];
  let req: Request;
  try {
    const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
    req = new Request(`http://localhost${r.path}${r.query}`, { method: r.method, headers: hdrs, body: withBody ? r.body : undefined });
  } catch {
    return null; // fetch itself refuses it (a header it cannot send): no server ever sees it
  }
  const res = await fx.app.request(req);
  const label = `${r.method} ${r.path}${r.query.slice(0, 80)} as ${CALLERS[r.caller] ?? 'anonymous'} → ${res.status}`;
  if (res.status >= 500) return `${label}: ${(await bodyText(res)).slice(0, 300)}`;
  if (res.status >= 400 && r.method !== 'HEAD') {
    const text = await bodyText(res);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return `${label}: error body is not JSON: ${text.slice(0, 200)}`;
    }
    const e = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || Object.keys(parsed as object).length !== 1) {
      return `${label}: error not in the { error: { code, message } } shape: ${text.slice(0, 200)}`;
    }
  } else {
    await res.arrayBuffer();
  }
  return null;
}

/** The answer's text as a client reads it: API answers are compressed when the request accepts it. */
async function bodyText(res: Response): Promise<string> {
  const raw = Buffer.from(await res.arrayBuffer());
  const encoding = res.headers.get('content-encoding');
  if (encoding === 'gzip') return gunzipSync(raw).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(raw).toString('utf8');
  if (encoding === 'deflate') return inflateSync(raw).toString('utf8');
  return raw.toString('utf8');
}

describe.each(await testDialects())('request fuzz on %s', (dialect) => {
  let fx: Fixture;
  let cookies: (string | null)[];
  let endpoints: { method: string; path: string }[];
  beforeAll(async () => {
    fx = await createFixture(dialect, { config: { metricsToken: 'fuzz-metrics-token-0123456789' } });
    cookies = await Promise.all(CALLERS.map((u) => (u ? fx.cookie(u) : Promise.resolve(null))));
    endpoints = [
      ...routeRules(fx.app).map(({ method, path }) => ({ method, path })),
      { method: 'GET', path: '/metrics' }, { method: 'GET', path: '/api/unknown/:x' }, { method: 'POST', path: '/api' },
    ];
  });
  afterAll(async () => { await fx.close(); });

  it('covers every route of the route table', () => {
    expect(endpoints.length).toBeGreaterThan(routeRules(fx.app).length);
  });

  it('answers thousands of hostile requests without a 5xx, always in the error shape', async () => {
    const failures: string[] = [];
    for (const r of REGRESSIONS) {
      const problem = await check(fx, cookies, r);
      if (problem) failures.push(`regression: ${problem}`);
    }
    const ids = [fx.ids.v1, fx.ids.v2, fx.ids.v3, fx.ids.h1, fx.ids.h2, fx.ids.h3, await fx.addEntry(), await fx.addConflict()];
    const request: fc.Arbitrary<FuzzRequest> = fc.record({
      endpoint: fc.constantFrom(...endpoints),
      otherMethod: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      segments: fc.array(segment(ids), { minLength: 4, maxLength: 4 }),
      extra: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: segment(ids).map((s) => `/${s}`) }),
      query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...ids).map((v) => `?villageId=${v}`) }, { weight: 2, arbitrary: queryString }),
      headers,
      body,
      caller: fc.nat({ max: CALLERS.length - 1 }),
    }).map(({ endpoint, otherMethod, segments, extra, query, headers: h, body: b, caller }) => {
      let i = 0;
      const path = endpoint.path.replace(/:\w+/g, () => segments[i++ % segments.length]) + extra;
      return { method: otherMethod ?? endpoint.method, path, query, headers: h, body: b, caller };
    });
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const problem = await check(fx, cookies, r);
      if (problem) {
        failures.push(problem);
        return false;
      }
      return true;
    }), { numRuns: RUNS[dialect], endOnFailure: true });
    expect(failures).toEqual([]);
    // Still alive and well.
    expect((await fx.app.request('/api/health')).status).toBe(200);
    expect((await fx.request('admin', 'GET', '/api/villages')).status).toBe(200);
  }, 120_000);

  it('answers near-valid sync batches item by item, never with a 5xx', async () => {
    const failures: string[] = [];
    let answered = 0;
    await fc.assert(fc.asyncProperty(syncish, fc.constantFrom(1, 3, 4), async (envelope, caller) => {
      const r: FuzzRequest = { method: 'POST', path: '/api/sync', query: '', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope), caller };
      const problem = await check(fx, cookies, r);
      if (problem) failures.push(problem);
      else answered++;
      return problem === null;
    }), { numRuns: Math.round(RUNS[dialect] / 5), endOnFailure: true });
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(100);
  }, 120_000);

  it('encodes lone surrogates as a browser would', () => {
    expect(encodeBytes('a\ud800b')).toBe('a%EF%BF%BDb');
  });
});
