// HTTP behaviour over real sockets (the fixture app on a TCP port in this process, server options
// of server/main.ts): refused requests leave the connection usable or say `Connection: close`;
// slow clients are cut off; a CIDR TRUST_PROXY list sees the client behind a local proxy; /metrics
// opens to loopback callers only when no proxy relayed them.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, TEST_PASSWORD } from '../test/fixtures';
import { serveApp, type ServedApp } from '../test/serve-app';
import { createApp } from '../app';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/protocol/sync';

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string; socket: net.Socket }

/** One request through a keep-alive agent with a single socket; resolves with the socket used. */
function send(agent: http.Agent, url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket | null = null;
    const req = http.request(url, { method: opts.method ?? 'GET', agent, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket: socket! }));
      res.on('error', reject);
    });
    req.on('socket', (s) => { socket = s; });
    req.on('error', reject);
    if (opts.body !== undefined) {
      if (opts.chunked) {
        const b = Buffer.from(opts.body);
        for (let i = 0; i < b.length; i += 64 * 1024) req.write(b.subarray(i, i + 64 * 1024));
      } else req.write(opts.body);
    }
    req.end();
  });
}

describe.each(await testDialects())('connections on %s', (dialect) => {
  let fx: Fixture;
  let served: ServedApp;
  let cookie: string;
  beforeAll(async () => {
    fx = await createFixture(dialect, { config: { syncRatePerMinute: 1 } });
    served = await serveApp(fx.app, { headersTimeout: 1_500, requestTimeout: 3_000, keepAliveTimeout: 3_000 });
    cookie = await fx.cookie('collector');
  });
  afterAll(async () => {
    await served?.close();
    await fx?.close();
  });

  /** A refusal, then an ordinary request through the same one-socket agent. */
  async function refusalThenNext(refused: Parameters<typeof send>[2], expected: number) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(agent, `${served.url}/api/auth/login`, refused);
      expect(first.status).toBe(expected);
      expect(JSON.parse(first.body).error).toEqual({ code: expect.any(String), message: expect.any(String) });
      const next = await send(agent, `${served.url}/api/health`, {});
      expect(next.status).toBe(200);
      const closeSaid = first.headers.connection === 'close';
      // Either the server said close (and the agent opened a new socket) or the socket was reused.
      if (!closeSaid) expect(next.socket).toBe(first.socket);
      return { closeSaid, first };
    } finally {
      agent.destroy();
    }
  }

  const big = JSON.stringify({ username: 'x', password: 'y'.repeat(600 * 1024) });

  it('413 with a Content-Length: Connection: close, and the next request works', async () => {
    const { closeSaid } = await refusalThenNext({ method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }, body: big }, 413);
    expect(closeSaid).toBe(true);
  });

  it('413 of a chunked body cut off mid-stream: Connection: close, and the next request works', async () => {
    const { closeSaid } = await refusalThenNext({ method: 'POST', headers: { 'content-type': 'application/json' }, body: big, chunked: true }, 413);
    expect(closeSaid).toBe(true);
  });

  it('415 keeps its promise too', async () => {
    await refusalThenNext({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'username=a&password=b' }, 415);
  });

  it('429 of the login throttle (body read) keeps the connection; 429 of the sync budget (body unread) says close; both carry Retry-After', async () => {
    fx.clock.advance(16 * 60_000);
    for (let i = 0; i < 5; i++) await send(new http.Agent(), `${served.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'committee1', password: 'wrong' }) });
    const login = await refusalThenNext({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'committee1', password: TEST_PASSWORD }) }, 429);
    expect(login.closeSaid).toBe(false);
    expect(Number(login.first.headers['retry-after'])).toBeGreaterThan(0);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = JSON.stringify({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: '00000000-0000-7000-8000-000000000001', mutations: [], cursors: {} });
      const headers = { 'content-type': 'application/json', cookie };
      fx.clock.advance(61_000);
      expect((await send(agent, `${served.url}/api/sync`, { method: 'POST', headers, body })).status).toBe(200);
      const limited = await send(agent, `${served.url}/api/sync`, { method: 'POST', headers, body });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers.connection).toBe('close');
      expect((await send(agent, `${served.url}/api/health`, {})).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('cuts off a client that sends its headers too slowly (slowloris)', async () => {
    const socket = net.connect(served.port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('error', () => {});
    const started = Date.now();
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => { if (!socket.destroyed) socket.write('X-Slow: 1\r\n'); }, 300);
    const at = await closed;
    clearInterval(drip);
    expect(at - started).toBeLessThan(6_000);
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const socket = net.connect(served.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => { if (!socket.destroyed) socket.write(' '); }, 300);
    const at = await closed;
    clearInterval(drip);
    expect(at - started).toBeLessThan(8_000);
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(agent, `${served.url}/api/health`, {});
      const closed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
      const started = Date.now();
      await closed;
      // The agent itself lets go 1 s before the server's announced timeout (3 s here).
      expect(Date.now() - started).toBeGreaterThan(1_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      agent.destroy();
    }
  });

  it('serves /metrics to a loopback caller, not to one a proxy relayed', async () => {
    const agent = new http.Agent();
    const local = await send(agent, `${served.url}/metrics`, {});
    expect(local.status).toBe(200);
    expect(local.body).toContain('cunxin_http_requests_total');
    const relayed = await send(agent, `${served.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(relayed.status).toBe(403);
  });

  it('with a CIDR TRUST_PROXY, a local proxy\'s clients are throttled each on their own', async () => {
    fx.clock.advance(16 * 60_000);
    const app = createApp({ ...fx.deps, config: { ...fx.deps.config, trustProxy: '127.0.0.0/8,::1' } });
    const proxy = await serveApp(app);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const login = (ip: string, username: string, password: string) => send(agent, `${proxy.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username, password }),
      });
      for (let i = 0; i < 50; i++) await login('203.0.113.66', `ghost${i}`, 'x');
      expect((await login('203.0.113.66', 'admin1', TEST_PASSWORD)).status).toBe(429);
      expect((await login('198.51.100.3', 'admin1', TEST_PASSWORD)).status).toBe(200);
    } finally {
      agent.destroy();
      await proxy.close();
    }
  });
});
