// Small on the wire: the built client's precompressed copies are sent with Content-Encoding and
// Vary, and API answers are gzipped (issue 13 "Small on the wire").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture } from '../test/fixtures';
import { serveClient } from '../app';
import type { AppEnv } from '../context';
import { precompressDir } from '../../client/build/precompress';

describe('serveClient sends precompressed assets', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-dist-'));
  const script = `export const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ i, name: '村民' + i })))};`;
  const app = new Hono<AppEnv>();
  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), `<!doctype html><title>村信</title>${'<p>村信</p>'.repeat(200)}`);
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), script);
    fs.writeFileSync(path.join(dist, 'assets', 'icon.png'), Buffer.alloc(2000, 1));
    const totals = await precompressDir(dist);
    expect(totals.files).toBe(2); // the .js and index.html; never the png
    serveClient(app, dist);
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('sends brotli when accepted, gzip otherwise, raw to a browser that accepts neither, always with Vary', async () => {
    const br = await app.request('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(script.length / 4);
    expect(zlib.brotliDecompressSync(brBytes).toString()).toBe(script);

    const gz = await app.request('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);

    const raw = await app.request('/assets/app-abc123.js');
    expect(raw.headers.get('content-encoding')).toBeNull();
    expect(raw.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await raw.text()).toBe(script);
  });

  it('compresses the app shell on SPA paths too, and leaves images alone', async () => {
    const shell = await app.request('/households/1', { headers: { 'Accept-Encoding': 'br' } });
    expect(shell.headers.get('content-encoding')).toBe('br');
    expect(zlib.brotliDecompressSync(Buffer.from(await shell.arrayBuffer())).toString()).toContain('村信');
    const png = await app.request('/assets/icon.png', { headers: { 'Accept-Encoding': 'br' } });
    expect(png.headers.get('content-encoding')).toBeNull();
  });
});

describe.each(await testDialects())('API answers are compressed on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('gzips a large JSON answer when accepted, with Vary, and not otherwise', async () => {
    const cookie = await fx.cookie('collector');
    const zipped = await fx.app.request('/api/catalog', { headers: { cookie, 'Accept-Encoding': 'gzip, br' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const body = JSON.parse(zlib.gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString());
    const plain = await fx.app.request('/api/catalog', { headers: { cookie } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.json()).toEqual(body);
  });
});
