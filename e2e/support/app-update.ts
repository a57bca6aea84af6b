// A new version of the app, as a new build makes one: the built service worker script in
// dist/client changes, and a phone that looks for an update (every 30 minutes, when the network
// comes back, or when a test calls registration.update()) installs it and offers it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { repoRoot } from './server';

/**
 * Changes dist/client/sw.js (a comment appended) and its precompressed copies (sw.js.br, sw.js.gz,
 * which the server sends where the phone accepts them), so that every form of it is the new
 * version. Returns the function that puts the build's own files back (call it in afterAll).
 */
export function publishNewAppVersion(tag: string): () => void {
  const swFile = path.join(repoRoot, 'dist/client/sw.js');
  const forms = [
    { file: swFile, encode: (b: Buffer) => b },
    { file: `${swFile}.br`, encode: (b: Buffer) => brotliCompressSync(b) },
    { file: `${swFile}.gz`, encode: (b: Buffer) => gzipSync(b) },
  ].filter((f) => existsSync(f.file));
  const originals = forms.map((f) => readFileSync(f.file));
  const changed = Buffer.from(`${readFileSync(swFile, 'utf8')}\n// e2e new version ${tag}\n`);
  for (const f of forms) writeFileSync(f.file, f.encode(changed));
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    forms.forEach((f, i) => writeFileSync(f.file, originals[i]));
  };
}
